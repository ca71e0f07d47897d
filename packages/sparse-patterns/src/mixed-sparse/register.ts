import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { SPARSE_TRANSFORMER_PAPER } from '../paper.js';
import { projectionCost } from '../shared/projection-cost.js';
import { MixedSparseAttention } from './layer.js';

registerAttention({
  name: 'mixed-sparse',
  family: 'sparse',
  summary: 'A different sparse pattern per head (local, strided, Sparse Transformer fixed, Longformer window + global), heads with the same pattern computed together.',
  paper: SPARSE_TRANSFORMER_PAPER,
  layer: MixedSparseAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    // One pattern per head group; each pattern's own keys are checked by the layer.
    headPatterns: z
      .array(z.looseObject({ pattern: z.enum(['local', 'strided', 'sparse-fixed', 'longformer']) }))
      .min(1)
      .max(4096),
  },
  complexity: { time: 'O(N·max_h |S_h|·d)', memory: 'O(N·Σ_h |S_h| / H)' },
  // Default: every head local with radius 32 (3 blocks of 32 keys per query).
  cost: (s) => projectionCost(s, 3 * 32),
});
