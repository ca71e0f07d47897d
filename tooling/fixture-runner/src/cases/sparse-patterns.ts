import type * as tf from '@tensorflow/tfjs-core';
import {
  bigBirdAttention,
  longformerAttention,
  slidingWindowAttention,
  stridedAttention,
} from '@attention-zoo/sparse-patterns';
import type { Fixture } from '../fixture.js';
import { num, qkv, type FixtureHandler } from './handler.js';

/** A 1-D or 2-D index tensor of the case (stored as F32) as integers. */
const indices = (f: Fixture, name: string): number[] => Array.from(f.host.get(name)!.data as ArrayLike<number>, (x) => Math.round(x));

/**
 * Cases computed by @attention-zoo/sparse-patterns. Each runs the block-sparse
 * op from the case's config (and, for BigBird, its given random blocks); the
 * stored `mask` is never read.
 */
export const SPARSE_HANDLERS: FixtureHandler[] = [
  // Sliding window, symmetric / causal / dilated (Longformer §3.1).
  {
    variants: ['sliding_window', 'sliding_window_causal', 'dilated_window'],
    package: '@attention-zoo/sparse-patterns',
    run: (f) =>
      slidingWindowAttention(...qkv(f), {
        radius: num(f, 'radius'),
        causal: f.meta.config['causal'] === true,
        dilation: (f.meta.config['dilation'] as number | undefined) ?? 1,
      }),
  },
  // Sparse Transformer strided pattern (Child et al. 2019 §4.2), one softmax over A1 ∪ A2.
  {
    variants: ['sparse_transformer_strided'],
    package: '@attention-zoo/sparse-patterns',
    run: (f) => stridedAttention(...qkv(f), { stride: num(f, 'stride'), causal: f.meta.config['causal'] === true }),
  },
  // Longformer: window + symmetric global attention (Beltagy et al. 2020 §3.1).
  {
    variants: ['longformer'],
    package: '@attention-zoo/sparse-patterns',
    run: (f) => longformerAttention(...qkv(f), { radius: num(f, 'radius'), globalIndices: indices(f, 'global_idx') }),
  },
  // BigBird ITC block sparse with the case's random blocks (Zaheer et al. 2020 §2).
  {
    variants: ['bigbird'],
    package: '@attention-zoo/sparse-patterns',
    run: (f): tf.Tensor => {
      const r = num(f, 'num_rand_blocks');
      const flat = indices(f, 'rand_blocks');
      return bigBirdAttention(...qkv(f), {
        blockSize: num(f, 'block_size'),
        windowBlocks: num(f, 'window_blocks'),
        globalBlocks: indices(f, 'global_blocks'),
        randomBlocks: Array.from({ length: num(f, 'num_blocks') }, (_, i) => flat.slice(i * r, (i + 1) * r)),
      });
    },
  },
];
