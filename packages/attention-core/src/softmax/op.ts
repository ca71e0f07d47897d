import * as tf from '@tensorflow/tfjs-core';
import { softmaxAttentionKernel, softmaxWeightsReference } from '../kernels/softmax-attention/index.js';
import { checkKeyPaddingMask } from '../ops/masks.js';
import { checkQKV } from '../ops/shapes.js';

export interface ScaledDotProductOptions {
  /** Logit scale; default 1/√headDim. */
  scale?: number;
  /** Query i attends to keys j ≤ i (top-left aligned when queries ≠ keys). */
  causal?: boolean;
  /** `[batch, keys]`: 1 (or true) for a real key, 0 for padding that no query may attend to. */
  keyPaddingMask?: tf.Tensor2D;
  /** Dropout rate on the attention weights, applied only when `training` is true. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/**
 * Attention weights A = softmax(q kᵀ · scale + mask), `[batch, heads, queries, keys]`
 * (Vaswani et al. 2017, Eq. 1). A query row whose keys are all masked is all zeros.
 */
export function softmaxAttentionWeights(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  options: Omit<ScaledDotProductOptions, 'dropout' | 'training' | 'seed'> = {},
): tf.Tensor4D {
  const { batch, keys, dk } = checkQKV(q, k, k, 'softmaxAttentionWeights');
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'softmaxAttentionWeights');
  return softmaxWeightsReference(q, k, { ...options, scale: options.scale ?? 1 / Math.sqrt(dk) });
}

/**
 * Scaled dot-product attention, softmax(q kᵀ/√d + mask) v — Vaswani et al. 2017, Eq. 1.
 * q `[batch, heads, queries, dk]`, k `[batch, heads, keys, dk]`, v `[batch, heads, keys, dv]`
 * → `[batch, heads, queries, dv]`. Keys may differ from queries (cross-attention).
 * On wasm (and webgpu) a tiled kernel with an online softmax computes it without ever holding
 * the N×M weights (FlashAttention's algorithm), with its gradient; elsewhere, and with dropout in
 * training, the stock-op chain (`softmaxAttentionReference`).
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  options: ScaledDotProductOptions = {},
): tf.Tensor4D {
  const { batch, keys, dk } = checkQKV(q, k, v, 'scaledDotProductAttention');
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`scaledDotProductAttention: dropout must be in [0, 1), got ${rate}`);
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'scaledDotProductAttention');
  return softmaxAttentionKernel(q, k, v, { ...options, scale: options.scale ?? 1 / Math.sqrt(dk) });
}
