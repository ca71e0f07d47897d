import type * as tf from '@tensorflow/tfjs-core';
import {
  eluFeatureMap,
  linearAttention,
  scaledDotProductAttention,
} from '@attention-zoo/attention-core';
import { num, qkv, type FixtureHandler } from './handler.js';

/** Cases computed by @attention-zoo/attention-core. */
export const CORE_HANDLERS: FixtureHandler[] = [
  // @attention-zoo/attention-core: softmax attention, Vaswani et al. 2017 Eq. 1.
  {
    variants: ['softmax', 'softmax_causal', 'softmax_key_padding'],
    package: '@attention-zoo/attention-core',
    run: (f) =>
      scaledDotProductAttention(...qkv(f), {
        scale: num(f, 'scale'),
        causal: f.meta.config['causal'] === true,
        keyPaddingMask: f.meta.variant === 'softmax_key_padding' ? (f.tensor('key_padding_mask') as tf.Tensor2D) : undefined,
      }),
  },
  // @attention-zoo/attention-core: the linear-attention primitive with φ = elu + 1
  // (Katharopoulos et al. 2020, Eq. 6; causal by the chunked prefix sum, Eq. 8–9).
  {
    variants: ['linear_elu', 'linear_elu_causal'],
    package: '@attention-zoo/attention-core',
    run: (f) => {
      const [q, k, v] = qkv(f);
      return linearAttention(eluFeatureMap(q), eluFeatureMap(k), v, { causal: f.meta.config['causal'] === true });
    },
  },
];
