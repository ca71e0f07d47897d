import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-channel running sums of AFT's causal forms, one token at a time, rebased on the running
 * maximum m_t = max_{t' ≤ t} K_t' (the recurrent form of `runningMaxScan`):
 *
 *   num_t = Σ_{t' ≤ t} exp(K_t' − m_t) V_t',   den_t = Σ_{t' ≤ t} exp(K_t' − m_t)
 *
 * so the running maximum's term is exactly 1 and nothing over- or underflows. `[B, 1, C]` each.
 */
export interface RunningSums {
  num: tf.Tensor3D;
  den: tf.Tensor3D;
  m: tf.Tensor3D;
}

/** The sums before the first token (m = −10³⁰: the first key becomes the maximum). */
export function emptySums(batch: number, channels: number): RunningSums {
  return { num: tf.zeros([batch, 1, channels]), den: tf.zeros([batch, 1, channels]), m: tf.fill([batch, 1, channels], -1e30) };
}

/** Adds token (k, v) `[B, 1, C]`: the online-softmax update (rescale by exp(m − m'), add exp(k − m')). */
export function addToken(sums: RunningSums, k: tf.Tensor3D, v: tf.Tensor3D): RunningSums {
  return tf.tidy(() => {
    const m = tf.maximum(sums.m, k) as tf.Tensor3D;
    const rebase = tf.exp(tf.sub(sums.m, m));
    const e = tf.exp(tf.sub(k, m));
    return {
      num: tf.add(tf.mul(sums.num, rebase), tf.mul(e, v)) as tf.Tensor3D,
      den: tf.add(tf.mul(sums.den, rebase), e) as tf.Tensor3D,
      m,
    };
  });
}
