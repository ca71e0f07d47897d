import * as tf from '@tensorflow/tfjs-core';
import { denseKernel } from '../kernels/dense/index.js';

/**
 * x W + b over the last axis: `[..., in]` · `[in, out]` → `[..., out]`.
 * Flattened to one 2-D product: the kernels' GEMM on wasm, tfjs's fused matMul elsewhere.
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const [din, dout] = kernel.shape;
    const lead = x.shape.slice(0, -1);
    const y = denseKernel(tf.reshape(x, [-1, din]) as tf.Tensor2D, kernel, bias);
    return tf.reshape(y, [...lead, dout]);
  });
}
