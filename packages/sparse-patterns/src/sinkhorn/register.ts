import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { SinkhornAttention } from './layer.js';

registerAttention({
  name: 'sinkhorn',
  family: 'sparse',
  summary: 'Sparse Sinkhorn attention: a learned sorting network softly permutes key/value blocks (Sinkhorn balancing, Gumbel noise in training); each query block attends its sorted block and its own block.',
  paper: {
    title: 'Sparse Sinkhorn Attention',
    authors: 'Tay, Bahri, Yang, Metzler, Juan',
    year: 2020,
    url: 'https://arxiv.org/abs/2002.11296',
  },
  layer: SinkhornAttention,
  complexity: { time: 'O(N·b·d + (N/b)²·d)', memory: 'O(N·b + (N/b)²)' },
  // 2b keys per query, plus sorting: P·K costs (N/b)²·b·d per head, i.e. N/b "keys" per query.
  cost: (s) => {
    const b = s['blockSize'] ?? 16;
    return projectionCost(s, 2 * b + s.tokens / b);
  },
});
