import { registerAttention } from '@attention-zoo/attention-core';
import { AftConv } from './layer.js';

registerAttention({
  name: 'aft-conv',
  family: 'aft',
  summary: 'AFT-conv: per head, a depthwise s×s convolution with kernel exp(w) − 1 over the token grid plus global sums (AFT-local with shared weights); one key channel per head.',
  paper: {
    title: 'An Attention Free Transformer',
    authors: 'Zhai et al.',
    year: 2021,
    url: 'https://arxiv.org/abs/2105.14103',
  },
  layer: AftConv,
  complexity: { time: 'O(T·s²·d)', memory: 'O(T·d)' },
  cost: ({ tokens: t, dim: d, numHeads: h, batch = 1, kernelSize = 7 }) => ({
    // q, v, out projections [d, d]; k [d, h]; depthwise s×s on d + h channels; the global sums.
    flops: batch * (3 * t * d * d + t * d * h + t * kernelSize * kernelSize * (d + h) + 2 * t * (d + h)),
    // q, v, k, [exp(K)⊙V | exp(K)] on the grid, the conv output, num/den, mixed, output.
    activationBytes: 4 * batch * (8 * t * d + 4 * t * h),
  }),
});
