import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { correct, crossEntropy } from './loss.js';
import { measurePeakBytes } from './peak-memory.js';

/** One optimizer step on a batch: the batch's loss and correct predictions, as scalars the caller disposes. */
export function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, vars: tf.Variable[], x: tf.Tensor, y: tf.Tensor1D): { loss: tf.Scalar; hits: tf.Scalar } {
  let hits: tf.Scalar | undefined;
  const loss = optimizer.minimize(
    () => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      hits = tf.keep(correct(logits, y));
      return crossEntropy(logits, y);
    },
    true,
    vars,
  )!;
  return { loss, hits: hits! };
}

/** The same step, with the peak bytes of distinct tensor buffers it held (weights and Adam's state included). */
export async function profiledTrainStep(...args: Parameters<typeof trainStep>): Promise<{ loss: tf.Scalar; hits: tf.Scalar; peakBytes: number }> {
  const { result, peakBytes } = await measurePeakBytes(() => trainStep(...args));
  return { ...result, peakBytes };
}
