import * as tf from '@tensorflow/tfjs-core';

/**
 * The AFT-conv kernel re-parameterisation for training (Zhai et al. 2021, §3.2):
 *
 *   w^i ← γ^i (w^i − mean(w^i)) / std(w^i) + β^i
 *
 * per head, with mean and (population) std over the head's s×s entries and ε inside
 * the square root, so s = 1 (std 0) stays finite. w `[heads, s, s]`, γ, β `[heads]`.
 * With γ = β = 0 (the paper's init) exp(w) − 1 = 0: AFT-conv starts out as AFT-simple.
 */
export function reparameterizeKernel(w: tf.Tensor3D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): tf.Tensor3D {
  return tf.tidy(() => {
    const h = w.shape[0];
    const { mean, variance } = tf.moments(w, [1, 2], true); // [h, 1, 1]
    const standard = tf.div(tf.sub(w, mean), tf.sqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(standard, tf.reshape(gamma, [h, 1, 1])), tf.reshape(beta, [h, 1, 1])) as tf.Tensor3D;
  });
}
