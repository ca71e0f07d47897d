import * as tf from '@tensorflow/tfjs-core';

/**
 * Causal "may attend" pattern `[queries, keys]`: query i sees keys j ≤ i
 * (top-left aligned, like PyTorch's `is_causal`). Boolean.
 */
export function causalKeep(queries: number, keys: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([queries, keys]), -1, 0), 'bool') as tf.Tensor2D);
}

/**
 * A `[batch, keys]` key-padding mask (1/true = real key, 0/false = padding)
 * as a boolean `[batch, 1, 1, keys]` pattern that broadcasts over heads and queries.
 */
export function keyPaddingKeep(mask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, m] = mask.shape;
    const keep = mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0);
    return tf.reshape(keep, [b, 1, 1, m]) as tf.Tensor4D;
  });
}

/** Logical AND of optional broadcastable patterns; `undefined` when none is given. */
export function combineKeep(...patterns: (tf.Tensor | undefined)[]): tf.Tensor | undefined {
  const given = patterns.filter((p): p is tf.Tensor => p != null);
  if (given.length === 0) return undefined;
  return tf.tidy(() => given.slice(1).reduce<tf.Tensor>((acc, p) => tf.logicalAnd(acc, p), given[0]!));
}
