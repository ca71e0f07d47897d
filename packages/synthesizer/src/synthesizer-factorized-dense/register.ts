import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { FactorizedDenseSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-factorized-dense',
  family: 'synthesizer',
  summary: 'Factorized Dense Synthesizer: attention row = outer product of two small per-token factors (a·b = ℓ).',
  paper: SYNTHESIZER_PAPER,
  layer: FactorizedDenseSynthesizer,
  options: {
    // a·b = maxTokens (checked by the layer).
    factors: z.tuple([option.int(), option.int()]),
  },
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['factorized-dense']),
});
