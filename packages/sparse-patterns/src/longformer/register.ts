import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { LONGFORMER_PAPER } from '../paper.js';
import { indices } from '../shared/fixture-indices.js';
import { longformerAttention } from './op.js';
import { projectionCost } from '../shared/projection-cost.js';
import { LongformerAttention } from './layer.js';

registerAttention({
  name: 'longformer',
  family: 'sparse',
  summary: 'Longformer: sliding window (dilation per head optional) plus symmetric global attention on chosen or added tokens; one softmax per query.',
  paper: LONGFORMER_PAPER,
  layer: LongformerAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    radius: option.int(0),
    dilation: z.union([option.int(1, 4096), z.array(option.int(1, 4096)).max(4096)]),
    globalIndices: z.array(z.int().min(-(2 ** 20)).max(2 ** 20)).max(4096),
    numGlobalTokens: option.int(0),
    globalProjections: z.boolean(),
  },
  complexity: { time: 'O(N·(r + g)·d)', memory: 'O(N·(r + g))' },
  // Window blocks (3r keys) and g global keys per query; g global rows over all N keys.
  cost: (s) => {
    const g = (s['numGlobalTokens'] ?? 0) + 1;
    return projectionCost(s, 3 * Math.max(s['radius'] ?? 32, 1) + 2 * g);
  },
  fixtures: [
    // Window + symmetric global attention (Beltagy et al. 2020 §3.1); the stored mask is never read.
    {
      variants: ['longformer'],
      run: (f) =>
        longformerAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          radius: f.config['radius'] as number,
          globalIndices: indices(f, 'global_idx'),
        }),
    },
  ],
});
