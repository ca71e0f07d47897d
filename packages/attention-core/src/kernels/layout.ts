/**
 * How a kernel reads a `[batch, heads, tokens, width]` quantity from a tensor: heads-first
 * `[B, H, T, w]` (core's functional ops), or tokens-first `[B, T, H·w]` (a projection's output,
 * no head split needed). Strides in floats; a row's `width` floats are contiguous.
 */
export type Layout = 'heads' | 'tokens';

export interface HeadView {
  batch: number;
  heads: number;
  tokens: number;
  width: number;
  /** Floats between batch items, heads, tokens. */
  sB: number;
  sH: number;
  sT: number;
}

export function headView(shape: readonly number[], layout: Layout, heads: number): HeadView {
  if (layout === 'heads') {
    const [b, h, t, w] = shape as [number, number, number, number];
    return { batch: b, heads: h, tokens: t, width: w, sB: h * t * w, sH: t * w, sT: w };
  }
  const [b, t, c] = shape as [number, number, number];
  const w = c / heads;
  return { batch: b, heads, tokens: t, width: w, sB: t * c, sH: w, sT: c };
}

/** The shape of an output with `tokens` rows of `width` per head, in `layout`. */
export function layoutShape(layout: Layout, batch: number, heads: number, tokens: number, width: number): number[] {
  return layout === 'heads' ? [batch, heads, tokens, width] : [batch, tokens, heads * width];
}

/** Float offset of head (b, h) in a view. */
export function headOffset(v: HeadView, b: number, h: number): number {
  return b * v.sB + h * v.sH;
}
