import * as tf from '@tensorflow/tfjs-core';

/**
 * Block plumbing shared by the sparse patterns. Everything works on heads-first
 * token tensors `[batch, heads, tokens, width]`, cut into blocks of `b` tokens:
 * `[batch, heads, blocks, b, width]`. Nothing here is ever N × N.
 */

/** Smallest multiple of `b` that holds `n` tokens. */
export function paddedLength(n: number, b: number): number {
  return Math.ceil(n / b) * b;
}

/** Zero-pads the token axis (axis 2) of `[B, H, N, X]` to `to` tokens. */
export function padTokens<T extends tf.Tensor>(x: T, to: number): T {
  const n = x.shape[2]!;
  if (to === n) return x;
  const pads = x.shape.map(() => [0, 0] as [number, number]);
  pads[2] = [0, to - n];
  return tf.pad(x, pads) as T;
}

/** `[B, H, N, X]` → `[B, H, N/b, b, X]`. */
export function toBlocks(x: tf.Tensor4D, b: number): tf.Tensor5D {
  const [bs, h, n, w] = x.shape;
  return tf.reshape(x, [bs, h, n / b, b, w]);
}

/** `[B, H, nb, b, X]` → `[B, H, nb·b, X]`. */
export function fromBlocks(x: tf.Tensor5D): tf.Tensor4D {
  const [bs, h, nb, b, w] = x.shape;
  return tf.reshape(x, [bs, h, nb * b, w]);
}

/**
 * For every block t, the blocks t−before … t+after side by side along the token
 * axis: `[B, H, nb, b, X]` → `[B, H, nb, (before+1+after)·b, X]`. Blocks past
 * either end are zeros (their keys must be masked by the caller). This is
 * Longformer's `sliding_chunks_matmul_qk_3` gather, done with pad + slices.
 */
export function neighbourBlocks(x: tf.Tensor5D, before: number, after: number): tf.Tensor5D {
  const [bs, h, nb, b, w] = x.shape;
  const padded = tf.pad(x, [[0, 0], [0, 0], [before, after], [0, 0], [0, 0]]); // [B, H, nb+before+after, b, X]
  const parts: tf.Tensor[] = [];
  for (let o = 0; o <= before + after; o++) parts.push(tf.slice(padded, [0, 0, o, 0, 0], [bs, h, nb, b, w]));
  return (parts.length === 1 ? parts[0]! : tf.concat(parts, 3)) as tf.Tensor5D; // [B, H, nb, m·b, X]
}

/**
 * `[B, 1, N]` 0/1 of which keys are real: the key-padding mask when given (1 =
 * real), else ones; then zero-padded to `to` tokens so padding keys are never attended.
 */
export function keyValid(mask: tf.Tensor2D | undefined, batch: number, n: number, to: number): tf.Tensor3D {
  const real = mask ? tf.cast(tf.notEqual(mask, 0), 'float32') : tf.ones([batch, n]);
  const padded = to > n ? tf.pad(real, [[0, 0], [0, to - n]]) : real;
  return tf.reshape(padded, [batch, 1, to]);
}

/**
 * Dilation by folding (Longformer's dilated window without a custom kernel):
 * the tokens p, p+δ, p+2δ, … form δ interleaved sub-sequences, and a window of
 * radius r with dilation δ is a plain window of radius r inside each of them.
 * `[B, H, N, X]` (N a multiple of δ) → `[B, H·δ, N/δ, X]`, sub-sequence p of
 * head h at head index h·δ + p.
 */
export function foldDilation(x: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return x;
  const [bs, h, n, w] = x.shape;
  const t = tf.transpose(tf.reshape(x, [bs, h, n / d, d, w]), [0, 1, 3, 2, 4]); // [B, H, δ, N/δ, X]
  return tf.reshape(t, [bs, h * d, n / d, w]);
}

/** The inverse of `foldDilation`: `[B, H·δ, N/δ, X]` → `[B, H, N, X]`. */
export function unfoldDilation(x: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return x;
  const [bs, hd, m, w] = x.shape;
  const t = tf.transpose(tf.reshape(x, [bs, hd / d, d, m, w]), [0, 1, 3, 2, 4]); // [B, H, N/δ, δ, X]
  return tf.reshape(t, [bs, hd / d, m * d, w]);
}

/** A host-built boolean constant. */
export function boolConstant(values: Uint8Array, shape: number[]): tf.Tensor {
  return tf.tensor(values, shape, 'bool');
}
