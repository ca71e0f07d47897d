import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_LABEL, type Examples } from '../tasks/task.js';

/**
 * The inputs and labels of examples `idx` as tensors: x [b, ...inputShape], y [b·L] (L labels per
 * example, 1 for classification), and how many of those labels count (not `IGNORE_LABEL`).
 */
export function makeBatch(
  e: Examples,
  idx: ArrayLike<number>,
  inputShape: number[],
  dtype: 'float32' | 'int32',
): { x: tf.Tensor; y: tf.Tensor1D; labelled: number } {
  const per = e.x.length / e.n;
  const labels = e.y.length / e.n;
  const b = idx.length;
  const x = dtype === 'float32' ? new Float32Array(b * per) : new Int32Array(b * per);
  const y = new Int32Array(b * labels);
  for (let i = 0; i < b; i++) {
    const j = idx[i]!;
    x.set(e.x.subarray(j * per, (j + 1) * per), i * per);
    y.set(e.y.subarray(j * labels, (j + 1) * labels), i * labels);
  }
  const labelled = y.reduce((n, v) => (v === IGNORE_LABEL ? n : n + 1), 0);
  return { x: tf.tensor(x, [b, ...inputShape], dtype), y: tf.tensor1d(y, 'int32'), labelled };
}
