import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention } from '@attention-zoo/attention-core';
import { AFT_PAPER } from '../paper.js';
import { aftFull } from './op.js';
import { AftFull } from './layer.js';

registerAttention({
  name: 'aft-full',
  family: 'aft',
  summary: 'AFT-full: σ(Q) ⊙ Σ exp(K + w)V / Σ exp(K + w) with learned pair-wise position biases w [T, T]; no q·k product.',
  paper: AFT_PAPER,
  layer: AftFull,
  options: {
    // d' of the factorised position bias w = u vᵀ; default: a full [maxTokens, maxTokens] w.
    factorDim: option.int(1, 4096),
  },
  complexity: { time: 'O(T²·d)', memory: 'O(T·d + T²) (T² for exp(w), no batch)' },
  cost: ({ tokens: t, dim: d, batch = 1 }) => ({
    // q, k, v, out projections; exp(w) [T, T] times [exp(K)⊙V | exp(K)] [T, 2d].
    flops: batch * (4 * t * d * d + 2 * t * t * d),
    // q, k, v, [exp(K)⊙V | exp(K)], num/den, mixed, output; exp(w) once for the batch.
    activationBytes: 4 * (batch * 10 * t * d + t * t),
  }),
  fixtures: [
    // Eq. 2 (causal: sums over t' ≤ t); also the large-key stability case.
    {
      variants: ['aft_full', 'aft_full_causal'],
      run: (f) =>
        aftFull(f.tensor('q'), f.tensor('k'), f.tensor('v'), f.tensor('w') as tf.Tensor2D, {
          causal: f.config['causal'] === true,
        }),
    },
  ],
});
