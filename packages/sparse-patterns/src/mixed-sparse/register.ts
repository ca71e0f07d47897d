import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { MixedSparseAttention } from './layer.js';

registerAttention({
  name: 'mixed-sparse',
  family: 'sparse',
  summary: 'A different sparse pattern per head (local, strided, Sparse Transformer fixed, Longformer window + global), heads with the same pattern computed together.',
  paper: {
    title: 'Generating Long Sequences with Sparse Transformers',
    authors: 'Child, Gray, Radford, Sutskever',
    year: 2019,
    url: 'https://arxiv.org/abs/1904.10509',
  },
  layer: MixedSparseAttention,
  complexity: { time: 'O(N·max_h |S_h|·d)', memory: 'O(N·Σ_h |S_h| / H)' },
  // Default: every head local with radius 32 (3 blocks of 32 keys per query).
  cost: (s) => projectionCost(s, 3 * 32),
});
