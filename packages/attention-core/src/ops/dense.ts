import * as tf from '@tensorflow/tfjs-core';

/**
 * x W + b over the last axis: `[..., in]` · `[in, out]` → `[..., out]`.
 * Flattened to one 2-D product, the fastest matMul form on every backend.
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const [din, dout] = kernel.shape;
    const lead = x.shape.slice(0, -1);
    const y = tf.fused.matMul({ a: tf.reshape(x, [-1, din]), b: kernel, bias });
    return tf.reshape(y, [...lead, dout]);
  });
}
