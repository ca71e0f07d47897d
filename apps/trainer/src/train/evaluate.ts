import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Examples } from '../tasks/task.js';
import { makeBatch } from './batch.js';
import { correct, crossEntropy } from './loss.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  n: number;
}

/** Loss and accuracy of `model` on every example of `e`, in batches (inference mode). */
export async function evaluate(
  model: tfl.LayersModel,
  e: Examples,
  shape: { inputShape: number[]; inputDtype: 'float32' | 'int32' },
  batchSize: number,
): Promise<EvalResult> {
  let lossSum = 0;
  let hits = 0;
  for (let start = 0; start < e.n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, e.n - start) }, (_, i) => start + i);
    const { x, y } = makeBatch(e, idx, shape.inputShape, shape.inputDtype);
    const [l, c] = tf.tidy(() => {
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      return [tf.mul(crossEntropy(logits, y), idx.length), correct(logits, y)];
    });
    lossSum += (await l!.data())[0]!;
    hits += (await c!.data())[0]!;
    tf.dispose([x, y, l!, c!]);
  }
  return { loss: lossSum / e.n, accuracy: hits / e.n, n: e.n };
}
