import { registerAttention } from '@attention-zoo/attention-core';
import { synthesizerCost, SYNTHESIZER_PAPER } from '../cost.js';
import { DenseSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-dense',
  family: 'synthesizer',
  summary: 'Dense Synthesizer: each token predicts its own attention row with a two-layer MLP; no query–key dot products.',
  paper: SYNTHESIZER_PAPER,
  layer: DenseSynthesizer,
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['dense']),
});
