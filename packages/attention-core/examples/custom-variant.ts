import * as tf from '@tensorflow/tfjs-core';
import { AttentionLayer, createAttention, defineCapabilities, registerAttention, type MixContext } from '@attention-zoo/attention-core';

/** A toy variant: every query takes the mean of the values, A = 1/M. A variant writes only its mixing step. */
class MeanAttention extends AttentionLayer {
  static className = 'Example>MeanAttention';
  static override capabilities = defineCapabilities({ crossAttention: true, attentionMap: 'exact' });

  protected override mix(q: tf.Tensor4D, _k: tf.Tensor4D, v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    return tf.tile(tf.mean(v, 2, true) as tf.Tensor4D, [1, 1, q.shape[2], 1]); // [batch, heads, queries, headDim]
  }
  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    return tf.fill([q.shape[0], q.shape[1], q.shape[2], k.shape[2]], 1 / k.shape[2]);
  }
}

registerAttention({
  name: 'mean', family: 'example', summary: 'Uniform weights over all keys.', layer: MeanAttention,
  options: {}, // its own options with their zod schemas, e.g. { temperature: z.number().positive() }
  paper: { title: 'A toy for the docs', authors: 'attention-zoo', year: 2026, url: 'https://example.org' },
  complexity: { time: 'O(N·d)', memory: 'O(N·d)' },
  cost: ({ tokens: n, dim: d, batch = 1 }) => ({ flops: batch * 4 * n * d * d, activationBytes: 4 * batch * 4 * n * d }),
});
const y = createAttention('mean', { dim: 32, numHeads: 4 }).apply(tf.randomNormal([2, 10, 32])) as tf.Tensor;
console.log(y.shape); // [2, 10, 32]; save/load, blocks, the tour and the benchmark now know 'mean'
