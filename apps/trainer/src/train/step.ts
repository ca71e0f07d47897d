import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { correct, crossEntropy } from './loss.js';

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

/** The same step under tf.profile, with the peak bytes its tensors held. */
export async function profiledTrainStep(...args: Parameters<typeof trainStep>): Promise<{ loss: tf.Scalar; hits: tf.Scalar; peakBytes: number }> {
  let out: { loss: tf.Scalar; hits: tf.Scalar } | undefined;
  const info = await tf.profile(() => {
    out = trainStep(...args);
    return [out.loss, out.hits];
  });
  return { ...out!, peakBytes: info.peakBytes };
}
