import type * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_ATTENTION } from '../kernels/softmax-attention/names.js';
import { fusedBackend } from '../kernels/registry.js';
import { registerAttention } from '../registry.js';
import { option } from '../layers/options.js';
import { SoftmaxAttention } from './layer.js';
import { scaledDotProductAttention } from './op.js';
import { softmaxKeyMaps } from './torch-keys.js';

registerAttention({
  name: 'softmax',
  family: 'softmax',
  summary: 'Multi-head scaled dot-product attention: softmax(QKᵀ/√d)V over all token pairs.',
  paper: {
    title: 'Attention Is All You Need',
    authors: 'Vaswani et al.',
    year: 2017,
    url: 'https://arxiv.org/abs/1706.03762',
  },
  layer: SoftmaxAttention,
  // Logit scale (timm's `qk_scale`); default headDim^-½.
  options: { scale: option.positive() },
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: ({ tokens: n, keyTokens, dim: d, numHeads: h, batch = 1 }) => {
    const m = keyTokens ?? n;
    return {
      // q and out projections on N tokens, k and v on M; QKᵀ and AV are N·M·d each.
      flops: batch * (2 * n * d * d + 2 * m * d * d + 2 * n * m * d),
      // q, k, v, mixed and output tokens, plus logits and weights per head; where the tiled kernel
      // runs (the active backend has it), two statistics per query instead of the N×M weights.
      activationBytes: 4 * batch * ((3 * n + 2 * m) * d + 2 * h * n * (fusedBackend(SOFTMAX_ATTENTION) ? 1 : m)),
    };
  },
  // timm's / DeiT's `Attention`: fused `qkv`, `proj`.
  torchKeyMap: (layer) => softmaxKeyMaps.timm({ qkvBias: layer.qkvBias }),
  fixtures: [
    // Vaswani et al. 2017, Eq. 1: no mask, causal, key padding.
    {
      variants: ['softmax', 'softmax_causal', 'softmax_key_padding'],
      run: (f) =>
        scaledDotProductAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          scale: f.config['scale'] as number,
          causal: f.config['causal'] === true,
          keyPaddingMask: f.variant === 'softmax_key_padding' ? (f.tensor('key_padding_mask') as tf.Tensor2D) : undefined,
        }),
    },
  ],
});
