import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PreparedTask } from '../tasks/task.js';
import { makeBatch } from './batch.js';
import { correct, crossEntropy } from './loss.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  n: number;
}

/**
 * Loss and accuracy of `model` on every example of one split, in inference mode,
 * in batches of the training batch size or 128, whichever is larger (no gradients are held).
 */
export async function evaluate(model: tfl.LayersModel, data: PreparedTask, split: 'validation' | 'test', trainBatchSize: number): Promise<EvalResult> {
  const e = data[split];
  const batchSize = Math.max(trainBatchSize, 128);
  let lossSum = 0;
  let hits = 0;
  let counted = 0; // labels that count: one per example, or the labelled positions of per-position tasks
  for (let start = 0; start < e.n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, e.n - start) }, (_, i) => start + i);
    const { x, y, labelled } = makeBatch(e, idx, data.inputShape, data.inputDtype);
    const [l, c] = tf.tidy(() => {
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      return [tf.mul(crossEntropy(logits, y), labelled), correct(logits, y)];
    });
    lossSum += (await l!.data())[0]!;
    hits += (await c!.data())[0]!;
    counted += labelled;
    tf.dispose([x, y, l!, c!]);
  }
  return { loss: lossSum / Math.max(counted, 1), accuracy: hits / Math.max(counted, 1), n: e.n };
}
