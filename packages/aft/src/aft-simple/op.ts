import * as tf from '@tensorflow/tfjs-core';
import { shiftedExp } from '@attention-zoo/attention-core/ops';
import { gatedRatio } from '../shared/gated-ratio.js';
import { checkTokensChannels } from '../shared/shapes.js';
import { runningMaxScan } from './running-max-scan.js';

export interface AftSimpleOptions {
  /** Autoregressive: the sums run over t' ≤ t only. */
  causal?: boolean;
}

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5): AFT without position biases (w = 0),
 *
 *   Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K)_t' ⊙ V_t'
 *
 * with the softmax over time, per channel. q, k, v `[..., T, C]`. Non-causal:
 * one context vector per channel, O(T·C) time and memory. Causal: prefix sums
 * over t' ≤ t rebased on the running maximum of K, so no position underflows
 * (`runningMaxScan`). Never T×T.
 */
export function aftSimple(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AftSimpleOptions = {}): tf.Tensor {
  const { tokens: t, channels: c, lead } = checkTokensChannels(q, k, v, 'aftSimple');
  return tf.tidy(() => {
    const [q3, k3, v3] = [q, k, v].map((x) => tf.reshape(x, [lead, t, c]) as tf.Tensor3D);
    let numDen: tf.Tensor;
    if (options.causal) {
      numDen = runningMaxScan(k3!, v3!); // [L, T, 2C]
    } else {
      const ek = shiftedExp(k3!, 1).exp; // exp(K − max_t K): [L, T, C]
      numDen = tf.sum(tf.concat([tf.mul(ek, v3!), ek], 2), 1, true); // [L, 1, 2C]
    }
    return tf.reshape(gatedRatio(q3!, numDen, c), q.shape);
  });
}
