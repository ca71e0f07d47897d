import * as tf from '@tensorflow/tfjs-core';
import { shiftedExp, splitHeads } from '@attention-zoo/attention-core/ops';

/**
 * The attention AFT implies (Zhai et al. 2021, Eq. 3): for channel c,
 *
 *   A^c_{t,t'} = exp(K_{t',c} + w_{t,t'}) / Σ_t'' exp(K_{t'',c} + w_{t,t''})
 *
 * so that Y_t = σ(Q_t) ⊙ Σ_t' A_{t,t'} ⊙ V_t'. Averaged over the channels of each head
 * for display: k `[batch, T, Ck]` (Ck = heads · channels per head), w `[1 | heads, T, T]`
 * the effective biases (−1e30 where a pair is excluded, e.g. causal) → `[batch, heads, T, T]`.
 * Dense: small T only; the AFT ops themselves never build it.
 */
export function impliedAttention(k: tf.Tensor3D, w: tf.Tensor3D, numHeads: number): tf.Tensor4D {
  const [b, t, ck] = k.shape;
  const hw = w.shape[0];
  return tf.tidy(() => {
    const ek = shiftedExp(splitHeads(k, numHeads), 2).exp; // exp(K − max_t K): [B, H, T, dk]
    const ew = tf.mul(tf.reshape(shiftedExp(w, 2).exp, [1, hw, t, t]), tf.ones([b, numHeads, t, t])); // exp(w − row max): [B, H, T, T]
    const den = tf.matMul(ew, ek); // Σ_t' exp(w) exp(K): [B, H, T, dk]
    // mean_c A^c_{t,t'} = exp(w_{t,t'}) · (1/dk) Σ_c exp(K_{t',c}) / den_{t,c}
    return tf.mul(ew, tf.div(tf.matMul(tf.reciprocal(den), ek, false, true), ck / numHeads)) as tf.Tensor4D;
  });
}
