import { registerAttention } from '@attention-zoo/attention-core';
import { SpatialReductionAttention } from './layer.js';

registerAttention({
  name: 'spatial-reduction',
  family: 'low-rank',
  summary: 'PVT spatial-reduction attention: keys and values from the token grid shrunk by a stride-R conv + LayerNorm (or, PVTv2 linear, pooled to P×P).',
  paper: {
    title: 'Pyramid Vision Transformer: A Versatile Backbone for Dense Prediction without Convolutions',
    authors: 'Wang, Xie, Li, Fan, Song, Liang, Lu, Luo, Shao',
    year: 2021,
    url: 'https://arxiv.org/abs/2102.12122',
  },
  layer: SpatialReductionAttention,
  complexity: { time: 'O(N²·d/R²)', memory: 'O(N²/R²)' },
  cost: ({ tokens: n, dim: d, numHeads: h, batch = 1, srRatio = 2, linear, poolSize = 7 }) => {
    const m = linear ? poolSize * poolSize : Math.max(1, Math.floor(n / (srRatio * srRatio)));
    // q/out projections on N tokens; the conv (R²·d² per reduced token, 1×1 for linear); k/v on M; QKᵀ and AV.
    const conv = linear ? m * d * d + n * d : n * d * d;
    return {
      flops: batch * (2 * n * d * d + conv + 2 * m * d * d + 2 * n * m * d),
      activationBytes: 4 * batch * ((3 * n + 3 * m) * d + 2 * h * n * m),
    };
  },
});
