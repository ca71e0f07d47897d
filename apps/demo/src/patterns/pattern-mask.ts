// Reading a sparse variant's N×N pattern through its layer's `patternMask` method.
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayer, RegisteredAttention } from '@attention-zoo/attention-core';

/** A layer that can say which (query, key) pairs it computes: 1 = computed, 0 = skipped. */
export type PatternLayer = AttentionLayer & { patternMask(tokens: number, x?: tf.Tensor3D): unknown };

/** The variants whose layer class has a `patternMask(tokens)` method (the sparse ones). */
export function patternVariants(list: readonly RegisteredAttention[]): RegisteredAttention[] {
  return list.filter((d) => typeof (d.layer.prototype as Partial<PatternLayer>).patternMask === 'function');
}

/**
 * The variants whose pattern depends on the input, so their layer has no `patternMask`:
 * Reformer's hash buckets, Sinkhorn's sorted blocks. Sparse family, an exact attention map:
 * the gallery draws that map for a fixed random input.
 */
export function learnedPatternVariants(list: readonly RegisteredAttention[]): RegisteredAttention[] {
  return list.filter((d) => d.family === 'sparse' && d.capabilities.attentionMap === 'exact' && typeof (d.layer.prototype as Partial<PatternLayer>).patternMask !== 'function');
}

export interface Pattern {
  rows: number;
  cols: number;
  /** One row-major 0/1 matrix per head (the leading index of the mask); usually one per head. */
  matrices: Uint8Array[];
  /** For a learned pattern: the weights, each row scaled by its largest, per head (drawn as shades). */
  weights?: Float32Array[];
}

/** A weight counts as attended when it is at least this fraction of its row's largest. */
export const WEIGHT_FLOOR = 0.01;

/**
 * A learned pattern from an attention map `[1, H, N, N]` (or `[H, N, N]`): per head, each row
 * scaled by its largest weight; a pair is "attended" when its weight is ≥ WEIGHT_FLOOR of that.
 */
export async function weightPattern(map: tf.Tensor): Promise<Pattern> {
  if (map.rank < 3) throw new Error(`an attention map has shape [..., H, N, N], got [${map.shape}]`);
  const rows = map.shape[map.rank - 2]!;
  const cols = map.shape[map.rank - 1]!;
  const data = (await map.data()) as Float32Array;
  const size = rows * cols;
  const matrices: Uint8Array[] = [];
  const weights: Float32Array[] = [];
  for (let m = 0; m < data.length / size; m++) {
    const w = new Float32Array(size);
    const on = new Uint8Array(size);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(data[m * size + r * cols + c]!));
      for (let c = 0; c < cols; c++) {
        const v = max > 0 ? Math.abs(data[m * size + r * cols + c]!) / max : 0;
        w[r * cols + c] = v;
        on[r * cols + c] = v >= WEIGHT_FLOOR ? 1 : 0;
      }
    }
    weights.push(w);
    matrices.push(on);
  }
  return { rows, cols, matrices, weights };
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
  const w = p.weights?.[index];
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.cols; c++) {
      if (!m[r * p.cols + c]) continue;
      // A learned pattern's weight shades its cell (at least faintly, so every attended pair shows).
      if (w) ctx.globalAlpha = 0.15 + 0.85 * w[r * p.cols + c]!;
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  ctx.globalAlpha = 1;
  if (cell >= 4) {
    ctx.strokeStyle = 'rgba(0,0,0,0.08)';
    for (let i = 0; i <= p.rows; i++) { ctx.beginPath(); ctx.moveTo(0, i * cell); ctx.lineTo(canvas.width, i * cell); ctx.stroke(); }
    for (let i = 0; i <= p.cols; i++) { ctx.beginPath(); ctx.moveTo(i * cell, 0); ctx.lineTo(i * cell, canvas.height); ctx.stroke(); }
  }
}
