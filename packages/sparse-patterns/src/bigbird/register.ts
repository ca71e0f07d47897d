import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { BIGBIRD_PAPER } from '../paper.js';
import { indices } from '../shared/fixture-indices.js';
import { bigBirdAttention } from './op.js';
import { projectionCost } from '../shared/projection-cost.js';
import { BigBirdAttention } from './layer.js';

registerAttention({
  name: 'bigbird',
  family: 'sparse',
  summary: 'BigBird block-sparse attention: window, global and seeded random key blocks per query block, one softmax; global blocks attend everything.',
  paper: BIGBIRD_PAPER,
  layer: BigBirdAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    blockSize: option.int(),
    windowBlocks: option.int(1, 4096),
    globalBlocks: z.array(z.int().min(-(2 ** 20)).max(2 ** 20)).max(4096),
    numRandomBlocks: option.int(0, 4096),
    randomSeed: z.int(),
  },
  complexity: { time: 'O(N·(w + g + r)·b·d)', memory: 'O(N·(w + g + r)·b)' },
  cost: (s) => {
    const b = s['blockSize'] ?? 16;
    const m = (s['windowBlocks'] ?? 3) + 2 + (s['numRandomBlocks'] ?? 3);
    // m·b keys per query, plus 2 global blocks (2b rows) attending all N keys: 2b per query on average.
    return projectionCost(s, m * b + 2 * b, m); // m gathered key blocks per query block
  },
  fixtures: [
    // ITC block sparse with the case's random blocks (Zaheer et al. 2020 §2); the stored mask is never read.
    {
      variants: ['bigbird'],
      run: (f) => {
        const r = f.config['num_rand_blocks'] as number;
        const flat = indices(f, 'rand_blocks');
        return bigBirdAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          blockSize: f.config['block_size'] as number,
          windowBlocks: f.config['window_blocks'] as number,
          globalBlocks: indices(f, 'global_blocks'),
          randomBlocks: Array.from({ length: f.config['num_blocks'] as number }, (_, i) => flat.slice(i * r, (i + 1) * r)),
        });
      },
    },
  ],
});
