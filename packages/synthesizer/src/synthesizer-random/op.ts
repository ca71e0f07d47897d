import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

/**
 * Random Synthesizer logits (Tay et al. 2021, §3.1 "Random Synthesizer"): B = R,
 * a learned (or fixed) `[heads, ℓ, ℓ]` matrix (`[ℓ, ℓ]` for one head) that does
 * not depend on the input. For N queries and M keys its top-left N×M block is
 * used → `[1, heads, N, M]`, shared by the batch.
 */
export function randomSynthesizerLogits(r: tf.Tensor2D | tf.Tensor3D, queries: number, keys = queries): tf.Tensor4D {
  if (r.rank !== 2 && r.rank !== 3) throw new AttentionInputError(`randomSynthesizerLogits: R must be [ℓ, ℓ] or [heads, ℓ, ℓ], got [${r.shape}]`);
  const [h, l1, l2] = r.rank === 2 ? [1, ...r.shape] : r.shape;
  if (queries > l1! || keys > l2!) {
    throw new AttentionInputError(`randomSynthesizerLogits: ${queries} queries × ${keys} keys do not fit R [${r.shape}] (maxTokens ${l1})`);
  }
  return tf.tidy(() => tf.reshape(tf.slice(tf.reshape(r, [h!, l1!, l2!]), [0, 0, 0], [h!, queries, keys]), [1, h!, queries, keys]) as tf.Tensor4D);
}
