import { registerAttention } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { SynthesizerMix } from './layer.js';

registerAttention({
  name: 'synthesizer-mix',
  family: 'synthesizer',
  summary: 'Mixture of Synthesizers: learned convex combination of synthetic and dot-product logits (R+V, D+V, …).',
  paper: SYNTHESIZER_PAPER,
  layer: SynthesizerMix,
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  // The cost model only sees numbers, so it prices the default mixture, R+V.
  cost: (shape) => synthesizerCost(shape, ['random', 'dot']),
});
