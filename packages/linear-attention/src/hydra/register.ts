import { option, registerAttention } from '@attention-zoo/attention-core';
import { HYDRA_PAPER } from '../paper.js';
import { HydraAttention } from './layer.js';

registerAttention({
  name: 'hydra',
  family: 'linear',
  summary: 'Hydra attention: as many heads as features with a cosine kernel, φ(Q) ⊙ Σ_t φ(K)_t ⊙ V_t.',
  paper: HYDRA_PAPER,
  layer: HydraAttention,
  options: {
    // Added to the normaliser.
    eps: option.positive(),
    // Tokens per step of the causal scan.
    chunkSize: option.int(),
  },
  complexity: { time: 'O(N·d)', memory: 'O(N·d)' },
  cost: ({ tokens: n, keyTokens, dim: d, batch = 1 }) => {
    const m = keyTokens ?? n;
    return {
      // Four projections; then normalising q and k, k⊙v, the sum over tokens and q⊙(Σ) — a few MACs per element.
      flops: batch * (2 * n * d * d + 2 * m * d * d + 3 * (n + m) * d + n * d),
      // q, k, v, mixed and output tokens, plus normalised q, k and k⊙v.
      activationBytes: 4 * batch * ((3 * n + 2 * m) * d + (n + 2 * m) * d),
    };
  },
});
