import { registerAttention } from '@attention-zoo/attention-core';
import { kernelizedCost } from '../kernelized/cost.js';
import { LinearEluAttention } from './layer.js';

registerAttention({
  name: 'linear-elu',
  family: 'linear',
  summary: 'Linear Transformer: φ(Q)(φ(K)ᵀV) / φ(Q)Σφ(K) with φ = elu + 1; causal by prefix sums.',
  paper: {
    title: 'Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention',
    authors: 'Katharopoulos, Vyas, Pappas, Fleuret',
    year: 2020,
    url: 'https://arxiv.org/abs/2006.16236',
  },
  layer: LinearEluAttention,
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // φ = elu + 1 keeps the head width: m = headDim.
  cost: (shape) => kernelizedCost(shape, shape.dim / shape.numHeads, 2),
});
