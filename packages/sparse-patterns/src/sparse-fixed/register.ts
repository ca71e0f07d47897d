import { option, registerAttention } from '@attention-zoo/attention-core';
import { SPARSE_TRANSFORMER_PAPER } from '../paper.js';
import { projectionCost } from '../shared/projection-cost.js';
import { SparseFixedAttention } from './layer.js';

registerAttention({
  name: 'sparse-fixed',
  family: 'sparse',
  summary: 'Sparse Transformer fixed attention: own block of ℓ plus the last c summary positions of every block, one softmax.',
  paper: SPARSE_TRANSFORMER_PAPER,
  layer: SparseFixedAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    blockSize: option.int(),
    summarySize: option.int(),
  },
  complexity: { time: 'O(N·(ℓ + c·N/ℓ)·d)', memory: 'O(N·(ℓ + c·N/ℓ))' },
  cost: (s) => {
    const l = Math.max(s['blockSize'] ?? 128, 1);
    const c = s['summarySize'] ?? 8;
    return projectionCost(s, l + c * Math.ceil(s.tokens / l));
  },
});
