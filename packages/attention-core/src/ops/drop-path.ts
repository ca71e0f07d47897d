import * as tf from '@tensorflow/tfjs-core';

/**
 * Stochastic depth (Huang et al. 2016): in training, drops the whole residual
 * branch of a sample with probability `rate` and scales survivors by 1/(1−rate),
 * as timm's `drop_path`. Identity when not training or rate = 0.
 */
export function dropPath(x: tf.Tensor, rate: number, training: boolean, seed?: number): tf.Tensor {
  if (!training || rate === 0) return x;
  return tf.tidy(() => {
    const keepProb = 1 - rate;
    const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
    const keep = tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keepProb));
    return tf.mul(x, tf.div(keep, keepProb));
  });
}
