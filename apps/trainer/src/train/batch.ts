import * as tf from '@tensorflow/tfjs-core';
import type { Examples } from '../tasks/task.js';

/** The inputs and labels of examples `idx` as tensors: x [b, ...inputShape], y [b]. */
export function makeBatch(e: Examples, idx: ArrayLike<number>, inputShape: number[], dtype: 'float32' | 'int32'): { x: tf.Tensor; y: tf.Tensor1D } {
  const per = e.x.length / e.n;
  const b = idx.length;
  const x = dtype === 'float32' ? new Float32Array(b * per) : new Int32Array(b * per);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const j = idx[i]!;
    x.set(e.x.subarray(j * per, (j + 1) * per), i * per);
    y[i] = e.y[j]!;
  }
  return { x: tf.tensor(x, [b, ...inputShape], dtype), y: tf.tensor1d(y, 'int32') };
}
