import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { SparseFixedAttention } from './layer.js';

registerAttention({
  name: 'sparse-fixed',
  family: 'sparse',
  summary: 'Sparse Transformer fixed attention: own block of ℓ plus the last c summary positions of every block, one softmax.',
  paper: {
    title: 'Generating Long Sequences with Sparse Transformers',
    authors: 'Child, Gray, Radford, Sutskever',
    year: 2019,
    url: 'https://arxiv.org/abs/1904.10509',
  },
  layer: SparseFixedAttention,
  complexity: { time: 'O(N·(ℓ + c·N/ℓ)·d)', memory: 'O(N·(ℓ + c·N/ℓ))' },
  cost: (s) => {
    const l = Math.max(s['blockSize'] ?? 128, 1);
    const c = s['summarySize'] ?? 8;
    return projectionCost(s, l + c * Math.ceil(s.tokens / l));
  },
});
