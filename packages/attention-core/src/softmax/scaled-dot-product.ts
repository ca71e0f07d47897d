import * as tf from '@tensorflow/tfjs-core';
import { causalKeep, combineKeep, keyPaddingKeep } from '../ops/masks.js';
import { checkKeyPaddingMask, checkQKV } from '../ops/shapes.js';
import { maskedSoftmax } from '../ops/stable.js';
import { headMatMul } from '../ops/matmul.js';

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
  const { batch, queries, keys, dk } = checkQKV(q, k, k, 'softmaxAttentionWeights');
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'softmaxAttentionWeights');
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const logits = tf.mul(headMatMul(q, k, { transposeB: true }), scale); // [B, H, N, M]
    const keep = combineKeep(
      options.causal ? causalKeep(queries, keys) : undefined,
      options.keyPaddingMask ? keyPaddingKeep(options.keyPaddingMask) : undefined,
    );
    return maskedSoftmax(logits, keep) as tf.Tensor4D;
  });
}

/**
 * Scaled dot-product attention, softmax(q kᵀ/√d + mask) v — Vaswani et al. 2017, Eq. 1.
 * q `[batch, heads, queries, dk]`, k `[batch, heads, keys, dk]`, v `[batch, heads, keys, dv]`
 * → `[batch, heads, queries, dv]`. Keys may differ from queries (cross-attention).
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  options: ScaledDotProductOptions = {},
): tf.Tensor4D {
  checkQKV(q, k, v, 'scaledDotProductAttention');
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`scaledDotProductAttention: dropout must be in [0, 1), got ${rate}`);
  return tf.tidy(() => {
    let a: tf.Tensor4D = softmaxAttentionWeights(q, k, options); // [B, H, N, M]
    if (options.training && rate > 0) a = tf.dropout(a, rate, undefined, options.seed) as tf.Tensor4D;
    return headMatMul(a, v) as tf.Tensor4D; // [B, H, N, dv]
  });
}
