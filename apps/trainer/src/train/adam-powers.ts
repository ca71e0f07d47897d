/**
 * Adam's bias-correction powers, beta1^t and beta2^t, saved as the optimizer holds them.
 *
 * Why: tfjs's Adam keeps them in two float32 variables (`accBeta1`, `accBeta2`) that it
 * multiplies by beta once per step, but its `setWeights` recomputes them as
 * `pow(beta, iterations + 1)`. The two round differently (0.999^3 differs by 6e-8, and
 * the gap grows with t), so a run resumed through `setWeights` alone took slightly other
 * steps than an uninterrupted one from the first step after the resume. Saving the
 * variables' own float32 values and writing them back after `setWeights` makes the
 * restored optimizer the same, bit for bit. (A float32 stored as a JSON number reads
 * back exactly: JSON keeps the shortest text that parses to the same float64.)
 */
import * as tf from '@tensorflow/tfjs-core';

/** beta1^t and beta2^t as the optimizer's float32 variables hold them. */
export interface AdamPowers {
  beta1Power: number;
  beta2Power: number;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function variables(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  if (!(accBeta1 instanceof tf.Variable) || !(accBeta2 instanceof tf.Variable)) {
    // A tfjs whose Adam keeps them elsewhere: fail loudly rather than resume inexactly.
    throw new Error(`this tfjs's ${optimizer.getClassName()} optimizer has no accBeta1/accBeta2 variables; the trainer cannot save its state exactly`);
  }
  return [accBeta1, accBeta2];
}

export async function readAdamPowers(optimizer: tf.Optimizer): Promise<AdamPowers> {
  const [b1, b2] = variables(optimizer);
  return { beta1Power: (await b1.data())[0]!, beta2Power: (await b2.data())[0]! };
}

/** Call after `optimizer.setWeights` (which overwrites them with its own recomputation). */
export function writeAdamPowers(optimizer: tf.Optimizer, p: AdamPowers): void {
  const [b1, b2] = variables(optimizer);
  tf.tidy(() => {
    b1.assign(tf.scalar(p.beta1Power, 'float32'));
    b2.assign(tf.scalar(p.beta2Power, 'float32'));
  });
}
