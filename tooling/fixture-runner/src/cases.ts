import type * as tf from '@tensorflow/tfjs-core';
import {
  eluFeatureMap,
  linearAttention,
  scaledDotProductAttention,
} from '@attention-zoo/attention-core';
import type { Fixture } from './fixture.js';

/** Runs the fixture cases of some variants through the project's API. */
export interface FixtureHandler {
  /** The `variant` values of the cases it runs. */
  variants: readonly string[];
  /** The package whose API computes them. */
  package: string;
  run(fixture: Fixture): tf.Tensor | Promise<tf.Tensor>;
}

const qkv = (f: Fixture) => [f.tensor('q'), f.tensor('k'), f.tensor('v')] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
const num = (f: Fixture, key: string) => f.meta.config[key] as number;

/**
 * The one table from fixture cases to the project's API. Each package adds
 * its entries here as it lands; a case with no entry is reported as
 * `not-implemented`, never as a pass.
 */
export const HANDLERS: FixtureHandler[] = [
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

export function handlerFor(variant: string): FixtureHandler | undefined {
  return HANDLERS.find((h) => h.variants.includes(variant));
}
