import * as tf from '@tensorflow/tfjs-core';
import { denseSynthesizerLogits, randomSynthesizerLogits, syntheticAttention } from '@attention-zoo/synthesizer';
import { num, type FixtureHandler } from './handler.js';
import type { Fixture } from '../fixture.js';

/** The cases are single-head `[B, N, dv]` values: run them as one head of `[B, 1, N, dv]`. */
function oneHead(f: Fixture, logits: tf.Tensor4D): tf.Tensor {
  return tf.squeeze(syntheticAttention(logits, tf.expandDims(f.tensor('v'), 1) as tf.Tensor4D), [1]);
}

/** Cases computed by @attention-zoo/synthesizer. */
export const SYNTHESIZER_HANDLERS: FixtureHandler[] = [
  // Dense Synthesizer, Tay et al. 2021, Eq. 1–2: B = relu(X W1 + b1) W2 + b2; softmax(B) V.
  {
    variants: ['synthesizer_dense'],
    package: '@attention-zoo/synthesizer',
    run: (f) =>
      oneHead(
        f,
        denseSynthesizerLogits(
          f.tensor('x') as tf.Tensor3D,
          {
            w1: f.tensor('W1') as tf.Tensor2D,
            b1: f.tensor('b1') as tf.Tensor1D,
            w2: f.tensor('W2') as tf.Tensor2D,
            b2: f.tensor('b2') as tf.Tensor1D,
          },
          num(f, 'N'),
        ),
      ),
  },
  // Random Synthesizer, Tay et al. 2021, §3.1: softmax(R) V with R shared by the batch.
  {
    variants: ['synthesizer_random'],
    package: '@attention-zoo/synthesizer',
    run: (f) => oneHead(f, randomSynthesizerLogits(f.tensor('R') as tf.Tensor2D, num(f, 'N'))),
  },
];
