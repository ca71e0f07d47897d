import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { StridedAttention } from './layer.js';

registerAttention({
  name: 'strided',
  family: 'sparse',
  summary: 'Sparse Transformer strided attention: a local band of ℓ plus every ℓ-th key, one softmax; O(N√N) at ℓ = √N.',
  paper: {
    title: 'Generating Long Sequences with Sparse Transformers',
    authors: 'Child, Gray, Radford, Sutskever',
    year: 2019,
    url: 'https://arxiv.org/abs/1904.10509',
  },
  layer: StridedAttention,
  complexity: { time: 'O(N·(ℓ + N/ℓ)·d)', memory: 'O(N·(ℓ + N/ℓ))' },
  cost: (s) => {
    const l = Math.max(s['stride'] ?? 32, 1);
    return projectionCost(s, 3 * l + Math.ceil(s.tokens / l));
  },
});
