import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { COSFORMER_PAPER } from '../paper.js';
import { kernelizedCost } from '../shared/kernelized-cost.js';
import { CosformerAttention } from './layer.js';

registerAttention({
  name: 'cosformer',
  family: 'linear',
  summary: 'cosFormer: ReLU linear attention re-weighted by cos(π/2·(i−j)/M), decomposed into sin/cos linear-attention products.',
  paper: COSFORMER_PAPER,
  layer: CosformerAttention,
  options: {
    // Added to the normaliser.
    eps: option.positive(),
    // Tokens per step of the causal scan.
    chunkSize: option.int(),
    actFun: z.enum(['relu', 'elu']),
  },
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // 2·headDim features per head (the sin and the cos copy).
  cost: (shape) => kernelizedCost(shape, 2 * (shape.dim / shape.numHeads), 3),
});
