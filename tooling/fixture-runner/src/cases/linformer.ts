import type * as tf from '@tensorflow/tfjs-core';
import { linformerAttention } from '@attention-zoo/linformer';
import { num, qkv, type FixtureHandler } from './handler.js';

/** Cases computed by @attention-zoo/linformer. */
export const LINFORMER_HANDLERS: FixtureHandler[] = [
  // Linformer, Wang et al. 2020, Eq. 7: softmax(Q (E K)ᵀ·scale)(F V) with E, F [k, N] shared by heads.
  {
    variants: ['linformer'],
    package: '@attention-zoo/linformer',
    run: (f) =>
      linformerAttention(...qkv(f), {
        e: f.tensor('E') as tf.Tensor2D,
        f: f.tensor('F') as tf.Tensor2D,
        scale: num(f, 'scale'),
      }),
  },
];
