import * as tf from '@tensorflow/tfjs-core';
import { loopsOverHeads, matMul2d } from '../../ops/matmul.js';

/**
 * x W + b as stock tfjs ops on 2-D x `[rows, in]`, the fallback and the reference of the dense
 * kernel: the fused matMul; on wasm `matMul2d` (+ bias), whose gradients avoid tfjs's slow
 * transpose flags (a FLatten step at N = 4,096: 1.8 s → 0.77 s, docs/performance.md).
 */
export function denseReference(x: tf.Tensor2D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  if (!loopsOverHeads()) return tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D;
  return tf.tidy(() => (bias ? tf.add(matMul2d(x, kernel), bias) : matMul2d(x, kernel)) as tf.Tensor2D) as tf.Tensor2D;
}
