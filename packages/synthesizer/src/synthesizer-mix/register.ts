import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { SYNTHESIZER_PAPER } from '../paper.js';
import { synthesizerCost } from '../shared/synthesizer-cost.js';
import { SynthesizerMix } from './layer.js';

registerAttention({
  name: 'synthesizer-mix',
  family: 'synthesizer',
  summary: 'Mixture of Synthesizers: learned convex combination of synthetic and dot-product logits (R+V, D+V, …).',
  paper: SYNTHESIZER_PAPER,
  layer: SynthesizerMix,
  options: {
    components: z.array(z.enum(['dense', 'random', 'factorized-dense', 'factorized-random', 'dot'])).min(1).max(5),
    // Random synthesizer: keep the random logits fixed (not trained).
    fixed: z.boolean(),
    // Rank k of the factorised random logits R = R1·R2ᵀ.
    k: option.int(1, 4096),
    // a·b = maxTokens (checked by the layer).
    factors: z.tuple([option.int(), option.int()]),
  },
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  // The cost model only sees numbers, so it prices the default mixture, R+V.
  cost: (shape) => synthesizerCost(shape, ['random', 'dot']),
});
