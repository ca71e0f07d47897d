import type * as tf from '@tensorflow/tfjs-core';
import { registerAttention } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { oneHeadFixture } from '../shared/one-head-fixture.js';
import { denseSynthesizerLogits } from './op.js';
import { DenseSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-dense',
  family: 'synthesizer',
  summary: 'Dense Synthesizer: each token predicts its own attention row with a two-layer MLP; no query–key dot products.',
  paper: SYNTHESIZER_PAPER,
  layer: DenseSynthesizer,
  options: {},
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['dense']),
  fixtures: [
    // Eq. 1–2: B = relu(X W1 + b1) W2 + b2; softmax(B) V.
    {
      variants: ['synthesizer_dense'],
      run: (f) => {
        const weights = {
          w1: f.tensor('W1') as tf.Tensor2D,
          b1: f.tensor('b1') as tf.Tensor1D,
          w2: f.tensor('W2') as tf.Tensor2D,
          b2: f.tensor('b2') as tf.Tensor1D,
        };
        return oneHeadFixture(f, denseSynthesizerLogits(f.tensor('x') as tf.Tensor3D, weights, f.config['N'] as number));
      },
    },
  ],
});
