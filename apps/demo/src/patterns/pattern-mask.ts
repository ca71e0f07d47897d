// Reading a sparse variant's N×N pattern through its layer's `patternMask` method.
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayer, RegisteredAttention } from '@attention-zoo/attention-core';

/** A layer that can say which (query, key) pairs it computes: 1 = computed, 0 = skipped. */
export type PatternLayer = AttentionLayer & { patternMask(tokens: number, x?: tf.Tensor3D): unknown };

/** The variants whose layer class has a `patternMask(tokens)` method (the sparse ones). */
export function patternVariants(list: readonly RegisteredAttention[]): RegisteredAttention[] {
  return list.filter((d) => typeof (d.layer.prototype as Partial<PatternLayer>).patternMask === 'function');
}

export interface Pattern {
  rows: number;
  cols: number;
  /** One row-major 0/1 matrix per leading index (head, bucket round, …); usually one. */
  matrices: Uint8Array[];
}

/**
 * Normalises what `patternMask` returns — a tensor `[..., N, N]`, nested arrays
 * of numbers or booleans, or `{ rows, cols, data }` — to 0/1 matrices. Any
 * non-zero entry counts as computed. Throws, naming the shape, on anything else.
 */
export async function readPattern(mask: unknown): Promise<Pattern> {
  let shape: number[];
  let data: ArrayLike<number>;
  if (mask instanceof tf.Tensor) {
    if (mask.rank < 2) throw new Error(`patternMask returned a tensor of shape [${mask.shape}]; expected [..., N, N]`);
    shape = mask.shape;
    data = (await mask.data()) as ArrayLike<number>;
  } else if (Array.isArray(mask) && Array.isArray(mask[0])) {
    const rows = mask as unknown[][];
    const cols = rows[0]!.length;
    if (rows.some((r) => !Array.isArray(r) || r.length !== cols)) throw new Error('patternMask returned ragged nested arrays');
    shape = [rows.length, cols];
    data = rows.flat().map((v) => (v ? 1 : 0));
  } else if (mask && typeof mask === 'object' && 'rows' in mask && 'cols' in mask && 'data' in mask) {
    const m = mask as { rows: number; cols: number; data: ArrayLike<number> };
    shape = [m.rows, m.cols];
    data = m.data;
  } else {
    throw new Error('patternMask must return a tf.Tensor [..., N, N], nested arrays, or { rows, cols, data }');
  }
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  const size = rows * cols;
  const count = Math.max(1, data.length / size);
  const matrices: Uint8Array[] = [];
  for (let m = 0; m < count; m++) {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = data[m * size + i] ? 1 : 0;
    matrices.push(out);
  }
  return { rows, cols, matrices };
}

/** Fraction of (query, key) pairs computed. */
export function density(m: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i]!;
  return m.length === 0 ? 0 : s / m.length;
}

/** Draws a pattern as the efficient-Transformer surveys do: computed pairs filled, the rest blank. */
export function paintPattern(canvas: HTMLCanvasElement, p: Pattern, index: number, view = 288): void {
  const cell = Math.max(1, Math.floor(view / Math.max(p.rows, p.cols)));
  canvas.width = p.cols * cell;
  canvas.height = p.rows * cell;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#2456a6';
  const m = p.matrices[index]!;
  for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) if (m[r * p.cols + c]) ctx.fillRect(c * cell, r * cell, cell, cell);
  if (cell >= 4) {
    ctx.strokeStyle = 'rgba(0,0,0,0.08)';
    for (let i = 0; i <= p.rows; i++) { ctx.beginPath(); ctx.moveTo(0, i * cell); ctx.lineTo(canvas.width, i * cell); ctx.stroke(); }
    for (let i = 0; i <= p.cols; i++) { ctx.beginPath(); ctx.moveTo(i * cell, 0); ctx.lineTo(i * cell, canvas.height); ctx.stroke(); }
  }
}
