import * as tf from '@tensorflow/tfjs-core';
import { loopsOverHeads, matMul2d } from './matmul.js';

/**
 * x W + b over the last axis: `[..., in]` · `[in, out]` → `[..., out]`.
 * Flattened to one 2-D product, the fastest matMul form on every backend.
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const [din, dout] = kernel.shape;
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, din]) as tf.Tensor2D;
    // Training on wasm: the fused product's gradients (xᵀ·dy, dy·Wᵀ) go through the slow
    // transpose flags; matMul2d's do not (a FLatten step at N = 4,096: 1.8 s → see docs/performance.md).
    const y = loopsOverHeads() ? (bias ? tf.add(matMul2d(x2, kernel), bias) : matMul2d(x2, kernel)) : tf.fused.matMul({ a: x2, b: kernel, bias });
    return tf.reshape(y, [...lead, dout]);
  });
}
