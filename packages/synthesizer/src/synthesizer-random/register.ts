import type * as tf from '@tensorflow/tfjs-core';
import { registerAttention, z } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { oneHeadFixture } from '../shared/one-head-fixture.js';
import { randomSynthesizerLogits } from './op.js';
import { RandomSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-random',
  family: 'synthesizer',
  summary: 'Random Synthesizer: input-independent attention logits R (trainable or fixed), shared by the batch.',
  paper: SYNTHESIZER_PAPER,
  layer: RandomSynthesizer,
  options: {
    // Random synthesizer: keep the random logits fixed (not trained).
    fixed: z.boolean(),
  },
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['random']),
  fixtures: [
    // §3.1: softmax(R) V with R shared by the batch.
    {
      variants: ['synthesizer_random'],
      run: (f) => oneHeadFixture(f, randomSynthesizerLogits(f.tensor('R') as tf.Tensor2D, f.config['N'] as number)),
    },
  ],
});
