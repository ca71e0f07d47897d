import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention } from '@attention-zoo/attention-core';
import { eluFeatureMap, linearAttention } from '@attention-zoo/attention-core/ops';
import { LINEAR_TRANSFORMER_PAPER } from '../paper.js';
import { kernelizedCost } from '../shared/kernelized-cost.js';
import { LinearEluAttention } from './layer.js';

registerAttention({
  name: 'linear-elu',
  family: 'linear',
  summary: 'Linear Transformer: φ(Q)(φ(K)ᵀV) / φ(Q)Σφ(K) with φ = elu + 1; causal by prefix sums.',
  paper: LINEAR_TRANSFORMER_PAPER,
  layer: LinearEluAttention,
  options: {
    // Added to the normaliser.
    eps: option.positive(),
    // Tokens per step of the causal scan.
    chunkSize: option.int(),
  },
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // φ = elu + 1 keeps the head width: m = headDim.
  cost: (shape) => kernelizedCost(shape, shape.dim / shape.numHeads, 2),
  fixtures: [
    // Eq. 6 with φ = elu + 1 (causal: the chunked prefix sum, Eq. 8–9), through core's primitive.
    {
      variants: ['linear_elu', 'linear_elu_causal'],
      run: (f) => {
        const [q, k, v] = ['q', 'k', 'v'].map((x) => f.tensor(x) as tf.Tensor4D);
        return linearAttention(eluFeatureMap(q!), eluFeatureMap(k!), v!, { causal: f.config['causal'] === true });
      },
    },
  ],
});
