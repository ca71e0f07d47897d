import type * as tf from '@tensorflow/tfjs-core';
import type { Fixture } from '../fixture.js';

/** Runs the fixture cases of some variants through the project's API. */
export interface FixtureHandler {
  /** The `variant` values of the cases it runs. */
  variants: readonly string[];
  /** The package whose API computes them. */
  package: string;
  run(fixture: Fixture): tf.Tensor | Promise<tf.Tensor>;
}

/** The `q`, `k`, `v` inputs of a functional case. */
export const qkv = (f: Fixture) => [f.tensor('q'), f.tensor('k'), f.tensor('v')] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

/** A number of the case's `config`; throws naming the case and key if it is missing. */
export function num(f: Fixture, key: string): number {
  const v = f.meta.config[key];
  if (typeof v !== 'number') throw new Error(`${f.meta.name}: config.${key} is ${JSON.stringify(v)}, expected a number`);
  return v;
}
