import * as tf from '@tensorflow/tfjs-core';
import { causalKeep, shiftedExp } from '@attention-zoo/attention-core/ops';
import { gatedRatio } from '../shared/gated-ratio.js';
import { checkPositionBias, denseBias, type PositionBias } from '../shared/position-bias.js';
import { checkTokensChannels } from '../shared/shapes.js';

export interface AftFullOptions {
  /** Autoregressive: the sums run over t' ≤ t only (paper footnote 2). */
  causal?: boolean;
}

/**
 * AFT-full (Zhai et al. 2021, Eq. 2), for every channel on its own:
 *
 *   Y_t = σ(Q_t) ⊙ Σ_t' exp(K_t' + w_{t,t'}) ⊙ V_t' / Σ_t' exp(K_t' + w_{t,t'})
 *
 * q, k, v `[..., T, C]` (`[batch, T, dim]` or heads-first `[batch, heads, T, headDim]`),
 * w `[≥T, ≥T]` or factorised `{ u, v }` (w = u vᵀ, §3.2); a shorter sequence uses the
 * top-left T×T block. Stable for any keys: exp(K − max_t' K) per channel and
 * exp(w − max_t' w_{t,·}) per query row; both shifts cancel in the ratio. Causal: w is
 * −∞ above the diagonal before the row maximum (the diagonal keeps every row finite).
 * Cost: one [T, T] × [T, 2·C·batch] product, O(T²·C) time; the only T×T tensor is
 * exp(w), the size of the parameter itself (no batch, no channels).
 */
export function aftFull(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: PositionBias, options: AftFullOptions = {}): tf.Tensor {
  const { tokens: t, channels: c, lead } = checkTokensChannels(q, k, v, 'aftFull');
  checkPositionBias(w, t, 'aftFull');
  return tf.tidy(() => {
    let wt: tf.Tensor = denseBias(w, t); // [T, T]
    if (options.causal) wt = tf.where(causalKeep(t, t), wt, tf.fill([t, t], -1e30));
    const ew = shiftedExp(wt, 1).exp; // exp(w_{t,t'} − max_t' w_{t,t'}): [T, T]
    const [k3, v3] = [k, v].map((x) => tf.reshape(x, [lead, t, c]));
    const ek = shiftedExp(k3!, 1).exp; // exp(K − max_t K): [L, T, C]
    const x = tf.concat([tf.mul(ek, v3!), ek], 2); // [L, T, 2C]
    const xt = tf.reshape(tf.transpose(x, [1, 0, 2]), [t, lead * 2 * c]); // [T, L·2C]
    const numDen = tf.transpose(tf.reshape(tf.matMul(ew, xt), [t, lead, 2 * c]), [1, 0, 2]); // [L, T, 2C]
    return tf.reshape(gatedRatio(tf.reshape(q, [lead, t, c]), numDen, c), q.shape);
  });
}
