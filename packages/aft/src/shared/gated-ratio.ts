import * as tf from '@tensorflow/tfjs-core';

/**
 * Y = σ(Q) ⊙ num / den, the last step of every AFT form (Zhai et al. 2021, Eq. 2):
 * `numDen` holds the numerator Σ exp(K + w) ⊙ V and the denominator Σ exp(K + w)
 * side by side on the last axis (`[..., 2C]`, or `[..., C + Ck]` when the keys have
 * fewer channels, e.g. one per head in AFT-conv; then the denominator broadcasts).
 * σ_q is the sigmoid: it gates each channel, it does not normalise.
 */
export function gatedRatio(q: tf.Tensor, numDen: tf.Tensor, channels: number): tf.Tensor {
  return tf.tidy(() => {
    const last = numDen.rank - 1;
    const width = numDen.shape[last]!;
    const num = tf.slice(numDen, Array(numDen.rank).fill(0), [...numDen.shape.slice(0, last), channels]);
    const den = tf.slice(numDen, [...Array(last).fill(0), channels], [...numDen.shape.slice(0, last), width - channels]);
    return tf.mul(tf.sigmoid(q), tf.div(num, den));
  });
}
