import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { FactorizedRandomSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-factorized-random',
  family: 'synthesizer',
  summary: 'Factorized Random Synthesizer: low-rank random logits R = R₁R₂ᵀ (ℓ·k parameters per head).',
  paper: SYNTHESIZER_PAPER,
  layer: FactorizedRandomSynthesizer,
  options: {
    // Random synthesizer: keep the random logits fixed (not trained).
    fixed: z.boolean(),
    // Rank k of the factorised random logits R = R1·R2ᵀ.
    k: option.int(1, 4096),
  },
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['factorized-random']),
});
