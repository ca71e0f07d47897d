import * as tf from '@tensorflow/tfjs-core';

/** Layer normalisation over the last axis (Ba et al. 2016): (x − μ)/√(σ² + ε) · γ + β, biased variance like PyTorch. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}
