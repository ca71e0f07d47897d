import type * as tf from '@tensorflow/tfjs-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { aftConv, aftFull, aftLocal, aftSimple } from '@attention-zoo/aft';
import { num, qkv, type FixtureHandler } from './handler.js';

/** Cases computed by @attention-zoo/aft (Zhai et al. 2021). q, k, v are `[B, T, d]`. */
export const AFT_HANDLERS: FixtureHandler[] = [
  // AFT-full, Eq. 2 (causal: sums over t' ≤ t); also the large-key stability case.
  {
    variants: ['aft_full', 'aft_full_causal'],
    package: '@attention-zoo/aft',
    run: (f) => aftFull(...qkv(f), f.tensor('w') as tf.Tensor2D, { causal: f.meta.config['causal'] === true }),
  },
  // AFT-simple, Eq. 5; also the K ≈ 100 overflow case.
  {
    variants: ['aft_simple'],
    package: '@attention-zoo/aft',
    run: (f) => aftSimple(...qkv(f)),
  },
  // AFT-local, Eq. 4: w kept where |t − t'| < s, 0 outside.
  {
    variants: ['aft_local'],
    package: '@attention-zoo/aft',
    run: (f) => aftLocal(...qkv(f), f.tensor('w') as tf.Tensor2D, { windowSize: num(f, 's') }),
  },
  // AFT-conv, Eq. 6: per-head s×s kernel exp(w) − 1 on the H×W grid plus the global term (keys per channel here).
  {
    variants: ['aft_conv'],
    package: '@attention-zoo/aft',
    run: (f) => {
      const h = num(f, 'heads');
      const [q, k, v] = qkv(f).map((x) => splitHeads(x as unknown as tf.Tensor3D, h));
      return mergeHeads(aftConv(q!, k!, v!, f.tensor('kernel') as tf.Tensor3D, { grid: [num(f, 'H'), num(f, 'W')] }));
    },
  },
];
