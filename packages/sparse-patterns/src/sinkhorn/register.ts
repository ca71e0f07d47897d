import { option, registerAttention } from '@attention-zoo/attention-core';
import { SINKHORN_PAPER } from '../paper.js';
import { projectionCost } from '../shared/projection-cost.js';
import { SinkhornAttention } from './layer.js';
import { MAX_SINKHORN_ITERATIONS } from './op.js';

registerAttention({
  name: 'sinkhorn',
  family: 'sparse',
  summary: 'Sparse Sinkhorn attention: a learned sorting network softly permutes key/value blocks (Sinkhorn balancing, Gumbel noise in training); each query block attends its sorted block and its own block.',
  paper: SINKHORN_PAPER,
  layer: SinkhornAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    blockSize: option.int(),
    // Row/column normalisations of the sorting matrix; bounded so a call cannot run for minutes.
    sinkhornIterations: option.int(0, MAX_SINKHORN_ITERATIONS),
    temperature: option.positive(),
  },
  complexity: { time: 'O(N·b·d + (N/b)²·d)', memory: 'O(N·b + (N/b)²)' },
  // 2b keys per query, plus sorting: P·K costs (N/b)²·b·d per head, i.e. N/b "keys" per query.
  cost: (s) => {
    const b = s['blockSize'] ?? 16;
    return projectionCost(s, 2 * b + s.tokens / b);
  },
});
