import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { dense, splitHeads } from '@attention-zoo/attention-core/ops';

export interface DenseSynthesizerWeights {
  /** W₁ `[d, heads·hidden]` (row-vector convention, x·W₁). */
  w1: tf.Tensor2D;
  b1?: tf.Tensor1D;
  /** W₂ `[heads, hidden, ℓ]`, or `[hidden, ℓ]` for one head; ℓ = the longest sequence. */
  w2: tf.Tensor2D | tf.Tensor3D;
  /** b₂ `[heads, ℓ]`, or `[ℓ]` for one head. */
  b2?: tf.Tensor1D | tf.Tensor2D;
}

/**
 * Dense Synthesizer logits (Tay et al. 2021, Eq. 1): per token and head,
 *   B_i = W₂ σ_R(W₁ x_i + b₁) + b₂ ∈ R^ℓ,
 * of which the first M entries are the logits over the M keys. The hidden
 * layer W₁ x_i is split into the heads' groups. x `[batch, N, d]` →
 * `[batch, heads, N, M]`; only W₂'s first M columns are used.
 */
export function denseSynthesizerLogits(x: tf.Tensor3D, weights: DenseSynthesizerWeights, keys = x.shape[1]): tf.Tensor4D {
  const { w1, b1, w2, b2 } = weights;
  if (x.rank !== 3) throw new AttentionInputError(`denseSynthesizerLogits: x must be [batch, tokens, dim], got [${x.shape}]`);
  if (w1.rank !== 2 || w1.shape[0] !== x.shape[2]) {
    throw new AttentionInputError(`denseSynthesizerLogits: W1 must be [dim=${x.shape[2]}, heads·hidden], got [${w1.shape}]`);
  }
  const [h, hidden, l] = w2.rank === 2 ? [1, ...w2.shape] : w2.shape;
  if (h! * hidden! !== w1.shape[1]) {
    throw new AttentionInputError(`denseSynthesizerLogits: W1 has ${w1.shape[1]} outputs but W2 [${w2.shape}] expects heads·hidden = ${h! * hidden!}`);
  }
  if (keys > l!) {
    throw new AttentionInputError(`denseSynthesizerLogits: ${keys} keys but W2 gives logits for only ${l} positions (maxTokens)`);
  }
  return tf.tidy(() => {
    const hid = splitHeads(tf.relu(dense(x, w1, b1)) as tf.Tensor3D, h!); // σ_R(W₁x + b₁): [B, H, N, hidden]
    const w2k = tf.slice(tf.reshape(w2, [h!, hidden!, l!]), [0, 0, 0], [h!, hidden!, keys]); // first M columns: [H, hidden, M]
    let logits = tf.matMul(hid, tf.tile(tf.expandDims(w2k, 0), [x.shape[0], 1, 1, 1])); // [B, H, N, M]
    if (b2) logits = tf.add(logits, tf.reshape(tf.slice(tf.reshape(b2, [h!, l!]), [0, 0], [h!, keys]), [1, h!, 1, keys]));
    return logits as tf.Tensor4D;
  });
}
