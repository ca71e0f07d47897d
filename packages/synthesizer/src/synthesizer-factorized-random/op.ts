import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

/**
 * Factorized Random Synthesizer logits (Tay et al. 2021, §3.1): B = R₁R₂ᵀ with
 * R₁, R₂ `[heads, ℓ, k]` — ℓ·k parameters per head instead of ℓ². The first N
 * rows of R₁ and M rows of R₂ give `[1, heads, N, M]`, shared by the batch.
 */
export function factorizedRandomLogits(r1: tf.Tensor3D, r2: tf.Tensor3D, queries: number, keys = queries): tf.Tensor4D {
  if (r1.rank !== 3 || r2.rank !== 3 || r1.shape[0] !== r2.shape[0] || r1.shape[2] !== r2.shape[2]) {
    throw new AttentionInputError(`factorizedRandomLogits: R1 and R2 must be [heads, ℓ, k] of the same heads and k, got [${r1.shape}] and [${r2.shape}]`);
  }
  const [h, l, k] = r1.shape;
  if (queries > l || keys > r2.shape[1]) {
    throw new AttentionInputError(`factorizedRandomLogits: ${queries} queries × ${keys} keys do not fit R1 [${r1.shape}], R2 [${r2.shape}] (maxTokens ${l})`);
  }
  return tf.tidy(() => {
    const a = tf.slice(r1, [0, 0, 0], [h, queries, k]); // [H, N, k]
    const b = tf.slice(r2, [0, 0, 0], [h, keys, k]); // [H, M, k]
    return tf.expandDims(tf.matMul(a, b, false, true), 0) as tf.Tensor4D; // R₁R₂ᵀ: [1, H, N, M]
  });
}
