import * as tf from '@tensorflow/tfjs-core';
import { shiftedExp } from '../../ops/stable.js';

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5) as stock ops, the fallback and reference of the kernel:
 * Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K) ⊙ V_t' per channel, over all t' or (causal) t' ≤ t.
 * q, k, v `[L, T, C]`. Non-causal: one context vector per channel. Causal: prefix sums rebased
 * on the running maximum of K (`runningMaxScan`), so no position underflows. Never T×T.
 */
export function aftSimpleReference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, options: { causal?: boolean } = {}): tf.Tensor3D {
  const c = q.shape[2];
  return tf.tidy(() => {
    let numDen: tf.Tensor;
    if (options.causal) {
      numDen = runningMaxScan(k, v); // [L, T, 2C]
    } else {
      const ek = shiftedExp(k, 1).exp; // exp(K − max_t K): [L, T, C]
      numDen = tf.sum(tf.concat([tf.mul(ek, v), ek], 2), 1, true); // [L, 1, 2C]
    }
    const [l, t] = numDen.shape as [number, number];
    const num = tf.slice(numDen, [0, 0, 0], [l, t, c]);
    const den = tf.slice(numDen, [0, 0, c], [l, t, c]);
    return tf.mul(tf.sigmoid(q), tf.div(num, den)) as tf.Tensor3D;
  });
}

/**
 * Prefix sums of exp(K) ⊙ V and exp(K) over time, each rebased on the running
 * maximum M_t = max_{t' ≤ t} K_t' (per channel):
 *
 *   S_t = Σ_{t' ≤ t} exp(K_t' − M_t) [V_t' | 1]
 *
 * k, v `[L, T, C]` → `[L, T, 2C]` (numerator | denominator). Computed as a
 * parallel prefix scan (Hillis–Steele, ⌈log₂T⌉ steps of O(T·C)) with the
 * associative online-softmax combine (s₁, m₁) ⊕ (s₂, m₂) = (s₁e^{m₁−m} + s₂e^{m₂−m}, m = max(m₁, m₂)).
 * Unlike one cumsum shifted by the global maximum, nothing underflows when an
 * early key sits far below a later one: the term of the running maximum is
 * exactly 1, so the denominator is ≥ 1 at every t.
 */
export function runningMaxScan(k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const [l, t, c] = k.shape;
  return tf.tidy(() => {
    let s: tf.Tensor3D = tf.concat([v, tf.ones([l, t, c])], 2); // [L, T, 2C], each term relative to its own m
    let m: tf.Tensor3D = tf.concat([k, k], 2); // [L, T, 2C]
    for (let d = 1; d < t; d *= 2) {
      const before = (x: tf.Tensor3D, fill: number) =>
        tf.concat([tf.fill([l, d, 2 * c], fill), tf.slice(x, [0, 0, 0], [l, t - d, 2 * c])], 1) as tf.Tensor3D;
      const mPrev = before(m, -1e30); // the segment ending d steps earlier (none: −∞)
      const sPrev = before(s, 0);
      const mNew = tf.maximum(m, mPrev) as tf.Tensor3D;
      s = tf.add(tf.mul(s, tf.exp(tf.sub(m, mNew))), tf.mul(sPrev, tf.exp(tf.sub(mPrev, mNew)))) as tf.Tensor3D;
      m = mNew;
    }
    return s;
  });
}
