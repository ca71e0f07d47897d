import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { BigBirdAttention } from './layer.js';

registerAttention({
  name: 'bigbird',
  family: 'sparse',
  summary: 'BigBird block-sparse attention: window, global and seeded random key blocks per query block, one softmax; global blocks attend everything.',
  paper: {
    title: 'Big Bird: Transformers for Longer Sequences',
    authors: 'Zaheer et al.',
    year: 2020,
    url: 'https://arxiv.org/abs/2007.14062',
  },
  layer: BigBirdAttention,
  complexity: { time: 'O(N·(w + g + r)·b·d)', memory: 'O(N·(w + g + r)·b)' },
  cost: (s) => {
    const b = s['blockSize'] ?? 16;
    const m = (s['windowBlocks'] ?? 3) + 2 + (s['numRandomBlocks'] ?? 3);
    // m·b keys per query, plus 2 global blocks (2b rows) attending all N keys: 2b per query on average.
    return projectionCost(s, m * b + 2 * b, m); // m gathered key blocks per query block
  },
});
