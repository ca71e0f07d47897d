import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '../errors.js';

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

/** Masks whose values were checked already (an encoder hands the same mask to every block). */
const checkedValues = new WeakSet<tf.Tensor>();

/**
 * The one check of a key-padding mask's values: boolean, or numbers that are all 0 or 1
 * (1/true = real key, 0/false = padding). An additive mask (0 = keep, −inf or a large
 * negative number = padding) would otherwise read as an inverted keep-mask, so any other
 * value is an error that names the convention. Reads a numeric mask once (a sync read,
 * slow on WebGPU for a mask that lives on the GPU: pass a boolean mask there).
 */
export function checkMaskValues(mask: tf.Tensor, who: string): void {
  if (mask.dtype === 'bool' || checkedValues.has(mask)) return;
  const values = mask.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) {
      throw new AttentionInputError(
        `${who}: keyPaddingMask must be boolean or 0/1 numbers (1/true = real key, 0/false = padding); ` +
          `element ${i} is ${v}. Additive masks (0 = keep, -inf = padding) are not this convention: pass tf.equal(mask, 0)`,
      );
    }
  }
  checkedValues.add(mask);
}
