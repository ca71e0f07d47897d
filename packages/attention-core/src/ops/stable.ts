import * as tf from '@tensorflow/tfjs-core';

/**
 * Softmax over the last axis where only entries with `keep` true (or 1) take part.
 *
 * Stable for any logits: the row maximum is taken over kept entries only, so
 * large logits do not overflow and masked ones do not matter. A row with no
 * kept entry yields all zeros (not NaN), in the forward pass and the gradient.
 * `keep` (bool or 0/1 float) may be any shape that broadcasts to `logits`.
 */
export function maskedSoftmax(logits: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  if (!keep) return tf.softmax(logits);
  return tf.tidy(() => maskedSoftmaxParts([logits], [keep])[0]!);
}

/** Below every float32 logit that can occur, and finite: (−3e38) + x stays finite for |x| < 4e37. */
const MASKED = 3.0e38;

/**
 * One softmax over the union of several parts' last axes (`softmax([l₁ | l₂ | …])`
 * split back into the parts), each part with its own `keep` that broadcasts to
 * its logits. For sparse attention: a query's connectivity set comes from
 * several key sources (window, globals, random blocks), normalised together.
 *
 * The mask is arithmetic — `l + (m − 1)·3e38` for the row maximum, `exp(min(l − max, 0))·m`
 * for the weights — rather than `where`: tfjs's `where` broadcasts its operands with
 * `Tile`, which on wasm costs more than the whole attention (a local-attention
 * profile at N = 8,192: Tile 837 ms, LogicalAnd 444 ms, the block products 238 ms).
 * `min(·, 0)` is the identity on kept entries (their logit is at most the maximum)
 * and keeps masked ones from overflowing, so no `inf·0` appears.
 */
export function maskedSoftmaxParts(logits: tf.Tensor[], keeps: tf.Tensor[]): tf.Tensor[] {
  const m = keeps.map((k) => (k.dtype === 'float32' ? k : tf.cast(k, 'float32')));
  const rowMax = logits
    .map((l, i) => tf.max(tf.add(l, tf.mul(tf.sub(m[i]!, 1), MASKED)), -1, true))
    .reduce((a, b) => tf.maximum(a, b));
  const e = logits.map((l, i) => tf.mul(tf.exp(tf.minimum(tf.sub(l, rowMax), 0)), m[i]!));
  const total = e.map((x) => tf.sum(x, -1, true)).reduce((a, b) => tf.add(a, b));
  // An empty row divides 0 by 1 (a tiny floor would square to inf in the
  // gradient). Which rows are empty depends on the mask only, not on logits.
  const nonEmpty = m.map((x) => tf.max(x, -1, true)).reduce((a, b) => tf.maximum(a, b));
  const denominator = tf.sub(tf.add(total, 1), nonEmpty);
  return e.map((x) => tf.div(x, denominator));
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
