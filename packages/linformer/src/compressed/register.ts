import { option, registerAttention } from '@attention-zoo/attention-core';
import { MEMORY_COMPRESSED_PAPER } from '../paper.js';
import { MemoryCompressedAttention } from './layer.js';

registerAttention({
  name: 'compressed',
  family: 'low-rank',
  summary: 'Memory-compressed attention: keys and values shortened c-fold by a strided convolution; block-causal form.',
  paper: MEMORY_COMPRESSED_PAPER,
  layer: MemoryCompressedAttention,
  // Stride of the strided convolution over keys and values; at most the sequence (checked when built).
  options: { compressionFactor: option.int() },
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
