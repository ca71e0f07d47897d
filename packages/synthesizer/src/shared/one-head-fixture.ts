import * as tf from '@tensorflow/tfjs-core';
import type { FixtureCase } from '@attention-zoo/attention-core';
import { syntheticAttention } from './synthetic-attention.js';

/** The reference cases are single-head `[B, N, dv]` values: run them as one head of `[B, 1, N, dv]`. */
export function oneHeadFixture(f: FixtureCase, logits: tf.Tensor4D): tf.Tensor {
  return tf.squeeze(syntheticAttention(logits, tf.expandDims(f.tensor('v'), 1) as tf.Tensor4D), [1]);
}
