import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';

/** `[batch, tokens, heads·headDim]` → `[batch, heads, tokens, headDim]` (PyTorch's `view(B, N, h, d).transpose(1, 2)`). */
export function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor4D {
  const [b, n, d] = x.shape;
  if (d % heads !== 0) {
    throw new AttentionInputError(
      `splitHeads: width ${d} of ${shapeToString(x.shape)} is not divisible by ${heads} heads`,
    );
  }
  return tf.tidy(() => tf.transpose(tf.reshape(x, [b, n, heads, d / heads]), [0, 2, 1, 3]));
}

/** `[batch, heads, tokens, headDim]` → `[batch, tokens, heads·headDim]`, the inverse of `splitHeads`. */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [b, h, n, d] = x.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, n, h * d]));
}
