import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention } from '@attention-zoo/attention-core';
import { SPARSE_TRANSFORMER_PAPER } from '../paper.js';
import { stridedAttention } from './op.js';
import { projectionCost } from '../shared/projection-cost.js';
import { StridedAttention } from './layer.js';

registerAttention({
  name: 'strided',
  family: 'sparse',
  summary: 'Sparse Transformer strided attention: a local band of ℓ plus every ℓ-th key, one softmax; O(N√N) at ℓ = √N.',
  paper: SPARSE_TRANSFORMER_PAPER,
  layer: StridedAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    stride: option.int(),
  },
  complexity: { time: 'O(N·(ℓ + N/ℓ)·d)', memory: 'O(N·(ℓ + N/ℓ))' },
  cost: (s) => {
    const l = Math.max(s['stride'] ?? 32, 1);
    return projectionCost(s, 3 * l + Math.ceil(s.tokens / l));
  },
  fixtures: [
    // Child et al. 2019 §4.2: one softmax over A1 ∪ A2.
    {
      variants: ['sparse_transformer_strided'],
      run: (f) =>
        stridedAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          stride: f.config['stride'] as number,
          causal: f.config['causal'] === true,
        }),
    },
  ],
});
