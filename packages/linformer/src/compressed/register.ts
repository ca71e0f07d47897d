import { registerAttention } from '@attention-zoo/attention-core';
import { MemoryCompressedAttention } from './layer.js';

registerAttention({
  name: 'compressed',
  family: 'low-rank',
  summary: 'Memory-compressed attention: keys and values shortened c-fold by a strided convolution; block-causal form.',
  paper: {
    title: 'Generating Wikipedia by Summarizing Long Sequences',
    authors: 'Liu, Saleh, Pot, Goodrich, Sepassi, Kaiser, Shazeer',
    year: 2018,
    url: 'https://arxiv.org/abs/1801.10198',
  },
  layer: MemoryCompressedAttention,
  complexity: { time: 'O(N²·d/c)', memory: 'O(N²/c)' },
  cost: ({ tokens: n, keyTokens, dim: d, numHeads: h, batch = 1, compressionFactor: c = 3 }) => {
    const m = keyTokens ?? n;
    const mc = Math.ceil(m / c);
    return {
      // q/out projections on N; k/v on M; two strided convs (c·d² per block); QK̃ᵀ and AṼ.
      flops: batch * (2 * n * d * d + 2 * m * d * d + 2 * mc * c * d * d + 2 * n * mc * d),
      activationBytes: 4 * batch * ((3 * n + 2 * m + 2 * mc) * d + 2 * h * n * mc),
    };
  },
});
