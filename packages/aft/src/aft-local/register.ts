import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention } from '@attention-zoo/attention-core';
import { AFT_PAPER } from '../paper.js';
import { aftLocal } from './op.js';
import { AftLocal } from './layer.js';

registerAttention({
  name: 'aft-local',
  family: 'aft',
  summary: 'AFT-local: AFT-full with position biases learned inside the window |t − t\'| < s and 0 outside (global connectivity kept); band-only computation.',
  paper: AFT_PAPER,
  layer: AftLocal,
  options: {
    // d' of the factorised position bias w = u vᵀ; default: a full [maxTokens, maxTokens] w.
    factorDim: option.int(1, 4096),
    // Half-width s of the local window; a window wider than the sequence covers it all (no padding).
    windowSize: option.int(),
  },
  complexity: { time: 'O(T·s·d)', memory: 'O(T·d + T·s)' },
  cost: ({ tokens: t, dim: d, batch = 1, windowSize = 32 }) => {
    const c = Math.min(Math.max(windowSize - 1, 1), t); // block length; each query block reads 3 blocks of keys
    return {
      // q, k, v, out projections; band blocks [T, 3C] times [exp(K)⊙V | exp(K)] [3C, 2d]; the global sum.
      flops: batch * (4 * t * d * d + 6 * t * c * d + 4 * t * d),
      // q, k, v, [exp(K)⊙V | exp(K)] and its 3 key blocks, num/den, mixed, output; band weights [T, 3C] once.
      activationBytes: 4 * (batch * 16 * t * d + 3 * t * c),
    };
  },
  fixtures: [
    // Eq. 4: w kept where |t − t'| < s, 0 outside.
    {
      variants: ['aft_local'],
      run: (f) =>
        aftLocal(f.tensor('q'), f.tensor('k'), f.tensor('v'), f.tensor('w') as tf.Tensor2D, {
          windowSize: f.config['s'] as number,
        }),
    },
  ],
});
