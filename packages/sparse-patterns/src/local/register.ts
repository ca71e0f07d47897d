import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention } from '@attention-zoo/attention-core';
import { LONGFORMER_PAPER } from '../paper.js';
import { slidingWindowAttention } from './op.js';
import { LocalAttention } from './layer.js';
import { projectionCost } from '../shared/projection-cost.js';

registerAttention({
  name: 'local',
  family: 'sparse',
  summary: 'Sliding-window attention: each token attends the keys within ±radius (causal: the radius before it), optionally dilated; computed by blocks.',
  paper: LONGFORMER_PAPER,
  layer: LocalAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    // Keys within ±radius·dilation; a radius past the sequence covers it all.
    radius: option.int(0),
    dilation: option.int(1, 4096),
  },
  complexity: { time: 'O(N·r·d)', memory: 'O(N·r)' },
  // Blocks of c = r tokens attend 3 blocks: 3r keys per query.
  cost: (s) => projectionCost(s, 3 * Math.max(s['radius'] ?? 32, 1)),
  fixtures: [
    // Sliding window, symmetric / causal / dilated (Longformer §3.1).
    {
      variants: ['sliding_window', 'sliding_window_causal', 'dilated_window'],
      run: (f) =>
        slidingWindowAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          radius: f.config['radius'] as number,
          causal: f.config['causal'] === true,
          dilation: (f.config['dilation'] as number | undefined) ?? 1,
        }),
    },
  ],
});
