import * as tf from '@tensorflow/tfjs-core';
import { fusedBackend, runFused } from '../registry.js';
import { DENSE, DENSE_GRAD } from './names.js';
import { denseReference } from './reference.js';
import './wasm.js';

export { denseReference };

/**
 * x W + b on 2-D x `[rows, in]`: the kernels' GEMM on wasm (forward and gradient), tfjs's
 * fused matMul elsewhere (webgpu's and the native backends' products are already good).
 */
export function denseKernel(x: tf.Tensor2D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  if (!fusedBackend(DENSE)) return denseReference(x, kernel, bias);
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [a, w, b] = args as tf.Tensor[];
    save([a!, w!]);
    return {
      value: runFused<tf.Tensor2D>(DENSE, { x: a!, w: w!, ...(b ? { bias: b } : {}) }),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [dx, dw, db] = runFused<tf.Tensor[]>(DENSE_GRAD, { x: saved[0]!, w: saved[1]!, dy: dy as tf.Tensor });
        if (b) return [dx!, dw!, db!];
        db!.dispose();
        return [dx!, dw!];
      },
    };
  });
  return (bias ? fused(x, kernel, bias) : fused(x, kernel)) as tf.Tensor2D;
}
