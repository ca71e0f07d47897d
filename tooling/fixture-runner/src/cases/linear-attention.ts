import type * as tf from '@tensorflow/tfjs-core';
import { performerAttention } from '@attention-zoo/linear-attention';
import { num, qkv, type FixtureHandler } from './handler.js';

/** Cases computed by @attention-zoo/linear-attention. (linear_elu / linear_elu_causal run through core's primitive, in attention-core.ts.) */
export const LINEAR_ATTENTION_HANDLERS: FixtureHandler[] = [
  // Performer FAVOR+ (Choromanski et al. 2021, Lemma 1 and Eq. 4) with the case's given ω `[m, d]`.
  // The fixture's φ has no feature ε ("no kernel epsilon"), so numericalStabilizer is 0 here;
  // the max-stabilisers stay on (they cancel exactly).
  {
    variants: ['performer_favor', 'performer_favor_causal'],
    package: '@attention-zoo/linear-attention',
    run: (f) => {
      const projection = f.tensor('omega') as tf.Tensor2D;
      if (projection.shape[0] !== num(f, 'num_features')) {
        throw new Error(`${f.meta.name}: omega has ${projection.shape[0]} rows but config.num_features is ${num(f, 'num_features')}`);
      }
      return performerAttention(...qkv(f), { projection, causal: f.meta.config['causal'] === true, numericalStabilizer: 0 });
    },
  },
];
