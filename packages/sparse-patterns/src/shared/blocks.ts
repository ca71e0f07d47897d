import * as tf from '@tensorflow/tfjs-core';
import { keyPaddingReal } from '@attention-zoo/attention-core/ops';

/**
 * Block plumbing shared by the sparse patterns. Batch and heads are merged into
 * one axis (BH) so every tensor stays rank ≤ 4, which every backend supports
 * (webgpu has no rank-5 pad or select): tokens `[BH, N, X]`, blocks of b tokens
 * `[BH, N/b, b, X]`. Nothing here is ever N × N.
 */

/** Smallest multiple of `b` that holds `n` tokens. */
export function paddedLength(n: number, b: number): number {
  return Math.ceil(n / b) * b;
}

/** `[B, H, N, X]` → `[B·H, N, X]`. */
export function mergeBatchHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [b, h, n, w] = x.shape;
  return tf.reshape(x, [b * h, n, w]);
}

/** Zero-pads the token axis (axis 1) of `[BH, N, X]` to `to` tokens. */
export function padTokens(x: tf.Tensor3D, to: number): tf.Tensor3D {
  const n = x.shape[1];
  return to === n ? x : tf.pad(x, [[0, 0], [0, to - n], [0, 0]]);
}

/** `[BH, N, X]` → `[BH, N/b, b, X]`. */
export function toBlocks(x: tf.Tensor3D, b: number): tf.Tensor4D {
  const [bh, n, w] = x.shape;
  return tf.reshape(x, [bh, n / b, b, w]);
}

/** `[BH, nb, b, X]` → `[BH, nb·b, X]`. */
export function fromBlocks(x: tf.Tensor4D): tf.Tensor3D {
  const [bh, nb, b, w] = x.shape;
  return tf.reshape(x, [bh, nb * b, w]);
}

/**
 * For every block t, the blocks t−before … t+after side by side along the token
 * axis: `[BH, nb, b, X]` → `[BH, nb, (before+1+after)·b, X]`. Blocks past
 * either end are zeros (their keys must be masked by the caller). This is
 * Longformer's `sliding_chunks_matmul_qk_3` gather, done with pad + slices.
 */
export function neighbourBlocks(x: tf.Tensor4D, before: number, after: number): tf.Tensor4D {
  const [bh, nb, b, w] = x.shape;
  const padded = tf.pad(x, [[0, 0], [before, after], [0, 0], [0, 0]]); // [BH, nb+before+after, b, X]
  const parts: tf.Tensor4D[] = [];
  for (let o = 0; o <= before + after; o++) parts.push(tf.slice(padded, [0, o, 0, 0], [bh, nb, b, w]));
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 2); // [BH, nb, m·b, X]
}

/**
 * `[B·H, to]` 0/1 of which keys are real: the key-padding mask (1 = real) when
 * given, else ones, repeated for each head and zero-padded to `to` tokens so
 * padding keys are never attended.
 */
export function keyValid(mask: tf.Tensor2D | undefined, batch: number, heads: number, n: number, to: number): tf.Tensor2D {
  const real = mask ? keyPaddingReal(mask) : tf.ones([batch, n]);
  const padded = to > n ? tf.pad(real, [[0, 0], [0, to - n]]) : real;
  return tf.reshape(tf.tile(tf.reshape(padded, [batch, 1, to]), [1, heads, 1]), [batch * heads, to]);
}

/**
 * Dilation by folding (Longformer's dilated window without a custom kernel):
 * the tokens p, p+δ, p+2δ, … form δ interleaved sub-sequences, and a window of
 * radius r with dilation δ is a plain window of radius r inside each of them.
 * `[BH, N, X]` (N a multiple of δ) → `[BH·δ, N/δ, X]`, sub-sequence p of row
 * s at index s·δ + p.
 */
export function foldDilation(x: tf.Tensor3D, d: number): tf.Tensor3D {
  if (d === 1) return x;
  const [bh, n, w] = x.shape;
  const t = tf.transpose(tf.reshape(x, [bh, n / d, d, w]), [0, 2, 1, 3]); // [BH, δ, N/δ, X]
  return tf.reshape(t, [bh * d, n / d, w]);
}

/** The inverse of `foldDilation`: `[BH·δ, N/δ, X]` → `[BH, N, X]`. */
export function unfoldDilation(x: tf.Tensor3D, d: number): tf.Tensor3D {
  if (d === 1) return x;
  const [bhd, m, w] = x.shape;
  const t = tf.transpose(tf.reshape(x, [bhd / d, d, m, w]), [0, 2, 1, 3]); // [BH, N/δ, δ, X]
  return tf.reshape(t, [bhd / d, m * d, w]);
}

/**
 * A host-built 0/1 float mask (a connectivity pattern). Patterns are combined
 * with the 0/1 real-key flags by multiplication, not `logicalAnd`: wasm's
 * broadcasting `LogicalAnd` took 444 ms on a local-attention mask at N = 8,192
 * where the equivalent `Mul` takes a few.
 */
export function maskConstant(values: Uint8Array, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}
