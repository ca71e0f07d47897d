import * as tf from '@tensorflow/tfjs-core';

/**
 * Softmax over the last axis where only entries with `keep` true take part.
 *
 * Stable for any logits: the row maximum is taken over kept entries only, so
 * large logits do not overflow and masked ones do not matter. A row with no
 * kept entry yields all zeros (not NaN), in the forward pass and the gradient:
 * masked entries are replaced by the row maximum before `exp`, so no `inf·0`
 * appears anywhere.
 */
export function maskedSoftmax(logits: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  if (!keep) return tf.softmax(logits);
  return tf.tidy(() => {
    const rowMax = tf.max(tf.where(keep, logits, tf.scalar(-3.0e38)), -1, true);
    const shifted = tf.sub(tf.where(keep, logits, rowMax), rowMax);
    const e = tf.where(keep, tf.exp(shifted), tf.scalar(0));
    const total = tf.sum(e, -1, true);
    // An empty row divides 0 by 1 (a tiny floor would square to inf in the
    // gradient). Which rows are empty depends on the mask only, not on logits.
    const nonEmpty = tf.any(tf.cast(keep, 'bool'), -1, true);
    return tf.div(e, tf.where(nonEmpty, total, tf.onesLike(total)));
  });
}

/** Identity in the forward pass, zero gradient in the backward pass. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const m = args[0] as tf.Tensor;
  return { value: tf.clone(m), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
}) as (m: tf.Tensor) => tf.Tensor;

/**
 * `exp(x − max(x))` along `axis` (kept as size 1) and that maximum: the
 * overflow-free exponential for ratios of sums of exponentials, where the
 * shift cancels (AFT, Performer, log-sum-exp). The maximum is treated as a
 * constant in the gradient, which is exact whenever the shift cancels.
 */
export function shiftedExp(x: tf.Tensor, axis: number | number[]): { exp: tf.Tensor; max: tf.Tensor } {
  return tf.tidy(() => {
    const max = tf.max(x, axis, true);
    const constMax = stopGradient(max);
    return { exp: tf.exp(tf.sub(x, constMax)), max };
  });
}
