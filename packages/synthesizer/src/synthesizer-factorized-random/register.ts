import { registerAttention } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { FactorizedRandomSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-factorized-random',
  family: 'synthesizer',
  summary: 'Factorized Random Synthesizer: low-rank random logits R = R₁R₂ᵀ (ℓ·k parameters per head).',
  paper: SYNTHESIZER_PAPER,
  layer: FactorizedRandomSynthesizer,
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['factorized-random']),
});
