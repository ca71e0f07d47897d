import { registerAttention } from '@attention-zoo/attention-core';
import { kernelizedCost } from '../kernelized/cost.js';
import { PerformerAttention } from './layer.js';

registerAttention({
  name: 'performer',
  family: 'linear',
  summary: 'Performer FAVOR+: softmax attention approximated by positive orthogonal random features, D⁻¹φ(Q)(φ(K)ᵀV).',
  paper: {
    title: 'Rethinking Attention with Performers',
    authors: 'Choromanski et al.',
    year: 2021,
    url: 'https://arxiv.org/abs/2009.14794',
  },
  layer: PerformerAttention,
  complexity: { time: 'O(N·m·d)', memory: 'O(N·m + m·d)' },
  // m features per head; the feature map itself is ωx (m·headDim MACs) plus the exponentials.
  cost: (shape) => {
    const m = shape['numFeatures'] ?? 256;
    return kernelizedCost(shape, m, m * (shape.dim / shape.numHeads) + m);
  },
});
