import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { AFT_PAPER } from '../paper.js';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { aftConv } from './op.js';
import { AftConv } from './layer.js';

registerAttention({
  name: 'aft-conv',
  family: 'aft',
  summary: 'AFT-conv: per head, a depthwise s×s convolution with kernel exp(w) − 1 over the token grid plus global sums (AFT-local with shared weights); one key channel per head.',
  paper: AFT_PAPER,
  layer: AftConv,
  options: {
    // Side of the depthwise kernel on the grid, odd; at most the grid (checked by the layer).
    kernelSize: option.int(1, 255),
    reparameterize: z.boolean(),
    // The gate starts at sigmoid(gammaInit)·…; |γ| past 30 only saturates (and overflows exp).
    gammaInit: z.number().min(-30).max(30),
  },
  complexity: { time: 'O(T·s²·d)', memory: 'O(T·d)' },
  cost: ({ tokens: t, dim: d, numHeads: h, batch = 1, kernelSize = 7 }) => ({
    // q, v, out projections [d, d]; k [d, h]; depthwise s×s on d + h channels; the global sums.
    flops: batch * (3 * t * d * d + t * d * h + t * kernelSize * kernelSize * (d + h) + 2 * t * (d + h)),
    // q, v, k, [exp(K)⊙V | exp(K)] on the grid, the conv output, num/den, mixed, output.
    activationBytes: 4 * batch * (8 * t * d + 4 * t * h),
  }),
  fixtures: [
    // Eq. 6: per-head s×s kernel exp(w) − 1 on the H×W grid plus the global term (keys per channel here).
    {
      variants: ['aft_conv'],
      run: (f) => {
        const [q, k, v] = ['q', 'k', 'v'].map((x) => splitHeads(f.tensor(x) as tf.Tensor3D, f.config['heads'] as number));
        const grid: [number, number] = [f.config['H'] as number, f.config['W'] as number];
        return mergeHeads(aftConv(q!, k!, v!, f.tensor('kernel') as tf.Tensor3D, { grid }));
      },
    },
  ],
});
