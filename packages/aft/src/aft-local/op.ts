import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { shiftedExp } from '@attention-zoo/attention-core/ops';
import { bandBias, bandKeep, bandLayout, bandProduct, keyBlocks } from './band.js';
import { gatedRatio } from '../shared/gated-ratio.js';
import { checkPositionBias, type PositionBias } from '../shared/position-bias.js';
import { checkTokensChannels } from '../shared/shapes.js';

export interface AftLocalOptions {
  /** Window s: w_{t,t'} is learned where |t − t'| < s (s = 1 keeps only the diagonal). */
  windowSize: number;
  /** Autoregressive: the sums run over t' ≤ t only. */
  causal?: boolean;
}

/**
 * AFT-local (Zhai et al. 2021, Eq. 4): AFT-full (Eq. 2) with
 *
 *   w'_{t,t'} = w_{t,t'} if |t − t'| < s, else 0   (0, not −∞: far tokens still count with exp(K_t'))
 *
 * computed as a global sum plus a band correction, since exp(w') = 1 + (exp(w) − 1)·[|t − t'| < s]:
 *
 *   num_t = Σ_t' exp(K_t') V_t' + Σ_{|t−t'|<s} (exp(w_{t,t'}) − 1) exp(K_t') V_t'
 *
 * (and the same without V for the denominator). q, k, v `[..., T, C]`; w `[≥T, ≥T]` or
 * factorised `{ u, v }` — only its band is read (or, factorised, computed). Memory
 * O(T·s + T·C), time O(T·s·C). Stable: exp(K − max_t K) per channel, and per query
 * row a shift a_t = max(0, max_band w) that scales both terms. Causal: the global sum
 * becomes a prefix sum and the band keeps t' ≤ t.
 */
export function aftLocal(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: PositionBias, options: AftLocalOptions): tf.Tensor {
  const { tokens: t, channels: c, lead } = checkTokensChannels(q, k, v, 'aftLocal');
  const s = options?.windowSize;
  if (!Number.isInteger(s) || s < 1) {
    throw new AttentionConfigError(`aftLocal: windowSize s must be an integer ≥ 1 (|t − t'| < s keeps the diagonal at s = 1), got ${JSON.stringify(s)}`);
  }
  checkPositionBias(w, t, 'aftLocal');
  return tf.tidy(() => {
    const l = bandLayout(t, s, options.causal ?? false);
    const [nb, bc, span] = [l.blocks, l.block, l.span];
    const keep = bandKeep(l); // [nb, C, span]
    const wb = tf.where(keep, bandBias(w, l), tf.fill([nb, bc, span], -1e30)); // [nb, C, span]
    // exp(w − a_t) and exp(−a_t) with a_t = max(0, max over the band of row t): one more column of zeros.
    const e = shiftedExp(tf.concat([wb, tf.zeros([nb, bc, 1])], 2), 2).exp; // [nb, C, span + 1]
    const outside = tf.slice(e, [0, 0, span], [nb, bc, 1]); // exp(−a_t): [nb, C, 1]
    const band = tf.mul(tf.sub(tf.slice(e, [0, 0, 0], [nb, bc, span]), outside), tf.cast(keep, 'float32')) as tf.Tensor3D;
    const global = tf.slice(tf.reshape(outside, [nb * bc, 1]), [0, 0], [t, 1]); // [T, 1]

    const [k3, v3] = [k, v].map((x) => tf.reshape(x, [lead, t, c]));
    const ek = shiftedExp(k3!, 1).exp; // exp(K − max_t K): [L, T, C]
    const x = tf.concat([tf.mul(ek, v3!), ek], 2) as tf.Tensor3D; // [L, T, 2C]
    const sum = options.causal ? tf.cumsum(x, 1) : tf.sum(x, 1, true); // [L, T | 1, 2C]
    const numDen = tf.add(tf.mul(sum, global), bandProduct(band, keyBlocks(x, l), t)); // [L, T, 2C]
    return tf.reshape(gatedRatio(tf.reshape(q, [lead, t, c]), numDen, c), q.shape);
  });
}
