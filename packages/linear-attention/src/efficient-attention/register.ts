import { option, registerAttention } from '@attention-zoo/attention-core';
import { EFFICIENT_ATTENTION_PAPER } from '../paper.js';
import { kernelizedCost } from '../shared/kernelized-cost.js';
import { EfficientAttention } from './layer.js';

registerAttention({
  name: 'efficient-attention',
  family: 'linear',
  summary: 'Efficient Attention: ρ_q(Q)(ρ_k(K)ᵀV), softmax over each query\'s features and over positions for each key feature.',
  paper: EFFICIENT_ATTENTION_PAPER,
  layer: EfficientAttention,
  options: {
    // Added to the normaliser.
    eps: option.positive(),
    // Tokens per step of the causal scan.
    chunkSize: option.int(),
  },
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // Two softmaxes (an exp, a sum and a divide per element).
  cost: (shape) => kernelizedCost(shape, shape.dim / shape.numHeads, 3 * (shape.dim / shape.numHeads)),
});
