import { registerAttention } from '@attention-zoo/attention-core';
import { LocalAttention } from './layer.js';
import { projectionCost } from '../ops/cost.js';

registerAttention({
  name: 'local',
  family: 'sparse',
  summary: 'Sliding-window attention: each token attends the keys within ±radius (causal: the radius before it), optionally dilated; computed by blocks.',
  paper: {
    title: 'Longformer: The Long-Document Transformer',
    authors: 'Beltagy, Peters, Cohan',
    year: 2020,
    url: 'https://arxiv.org/abs/2004.05150',
  },
  layer: LocalAttention,
  complexity: { time: 'O(N·r·d)', memory: 'O(N·r)' },
  // Blocks of c = r tokens attend 3 blocks: 3r keys per query.
  cost: (s) => projectionCost(s, 3 * Math.max(s['radius'] ?? 32, 1)),
});
