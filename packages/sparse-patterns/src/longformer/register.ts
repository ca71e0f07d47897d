import { registerAttention } from '@attention-zoo/attention-core';
import { projectionCost } from '../ops/cost.js';
import { LongformerAttention } from './layer.js';

registerAttention({
  name: 'longformer',
  family: 'sparse',
  summary: 'Longformer: sliding window (dilation per head optional) plus symmetric global attention on chosen or added tokens; one softmax per query.',
  paper: {
    title: 'Longformer: The Long-Document Transformer',
    authors: 'Beltagy, Peters, Cohan',
    year: 2020,
    url: 'https://arxiv.org/abs/2004.05150',
  },
  layer: LongformerAttention,
  complexity: { time: 'O(N·(r + g)·d)', memory: 'O(N·(r + g))' },
  // Window blocks (3r keys) and g global keys per query; g global rows over all N keys.
  cost: (s) => {
    const g = (s['numGlobalTokens'] ?? 0) + 1;
    return projectionCost(s, 3 * Math.max(s['radius'] ?? 32, 1) + 2 * g);
  },
});
