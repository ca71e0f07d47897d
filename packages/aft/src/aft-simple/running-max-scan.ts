import * as tf from '@tensorflow/tfjs-core';

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
