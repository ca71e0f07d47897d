import { registerAttention } from '@attention-zoo/attention-core';
import { kernelizedCost } from '../kernelized/cost.js';
import { CosformerAttention } from './layer.js';

registerAttention({
  name: 'cosformer',
  family: 'linear',
  summary: 'cosFormer: ReLU linear attention re-weighted by cos(π/2·(i−j)/M), decomposed into sin/cos linear-attention products.',
  paper: {
    title: 'cosFormer: Rethinking Softmax in Attention',
    authors: 'Qin, Sun, Deng, Li, Wei, Lv, Yan, Kong, Zhong',
    year: 2022,
    url: 'https://arxiv.org/abs/2202.08791',
  },
  layer: CosformerAttention,
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // 2·headDim features per head (the sin and the cos copy).
  cost: (shape) => kernelizedCost(shape, 2 * (shape.dim / shape.numHeads), 3),
});
