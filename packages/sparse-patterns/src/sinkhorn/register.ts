import { registerAttention } from '@attention-zoo/attention-core';
import { SINKHORN_PAPER } from '../paper.js';
import { projectionCost } from '../shared/projection-cost.js';
import { SinkhornAttention } from './layer.js';

registerAttention({
  name: 'sinkhorn',
  family: 'sparse',
  summary: 'Sparse Sinkhorn attention: a learned sorting network softly permutes key/value blocks (Sinkhorn balancing, Gumbel noise in training); each query block attends its sorted block and its own block.',
  paper: SINKHORN_PAPER,
  layer: SinkhornAttention,
  complexity: { time: 'O(N·b·d + (N/b)²·d)', memory: 'O(N·b + (N/b)²)' },
  // 2b keys per query, plus sorting: P·K costs (N/b)²·b·d per head, i.e. N/b "keys" per query.
  cost: (s) => {
    const b = s['blockSize'] ?? 16;
    return projectionCost(s, 2 * b + s.tokens / b);
  },
});
