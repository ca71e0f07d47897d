import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

/**
 * The learned pair-wise position biases w of AFT-full and AFT-local (Zhai et al.
 * 2021, §3.1), sized for the longest sequence: either the full matrix
 * `w [maxTokens, maxTokens]` or the paper's factorisation w = u vᵀ (§3.2) with
 * `u, v [maxTokens, d']`. Row t is the query position, column t' the key position.
 * A sequence of T ≤ maxTokens tokens uses the top-left T×T block (rows/columns < T).
 */
export type PositionBias = tf.Tensor2D | { u: tf.Tensor2D; v: tf.Tensor2D };

export function isFactorised(w: PositionBias): w is { u: tf.Tensor2D; v: tf.Tensor2D } {
  return !(w instanceof tf.Tensor);
}

/** Throws unless `w` covers `tokens` positions (a `[≥T, ≥T]` matrix, or `u, v [≥T, d']`). */
export function checkPositionBias(w: PositionBias, tokens: number, op: string): void {
  if (isFactorised(w)) {
    const { u, v } = w;
    if (!(u instanceof tf.Tensor) || !(v instanceof tf.Tensor) || u.rank !== 2 || v.rank !== 2 || u.shape[1] !== v.shape[1]) {
      throw new AttentionInputError(`${op}: a factorised bias needs u and v of shape [maxTokens, d'] with the same d'`);
    }
    if (u.shape[0] < tokens || v.shape[0] < tokens) {
      throw new AttentionInputError(
        `${op}: ${tokens} tokens but the factorised bias covers u [${u.shape}] / v [${v.shape}] positions (more than maxTokens?)`,
      );
    }
    return;
  }
  if (w.rank !== 2 || w.shape[0] < tokens || w.shape[1] < tokens) {
    throw new AttentionInputError(`${op}: w must be [T, T] with T ≥ ${tokens} tokens (row = query, column = key), got [${w.shape}]`);
  }
}

/** The dense `[T, T]` biases of a sequence of T tokens: w[:T, :T], or u[:T] v[:T]ᵀ. */
export function denseBias(w: PositionBias, tokens: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (!isFactorised(w)) return w.shape[0] === tokens && w.shape[1] === tokens ? tf.clone(w) : tf.slice(w, [0, 0], [tokens, tokens]);
    const d = w.u.shape[1];
    const u = tf.slice(w.u, [0, 0], [tokens, d]); // [T, d']
    const v = tf.slice(w.v, [0, 0], [tokens, d]); // [T, d']
    return tf.matMul(u, v, false, true); // [T, T]
  });
}

/** w_{t, from … from + count − 1}, the biases query t gives `count` consecutive keys: `[count]` (decoding reads one row). */
export function biasRow(w: PositionBias, t: number, from: number, count: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (!isFactorised(w)) return tf.reshape(tf.slice(w, [t, from], [1, count]), [count]) as tf.Tensor1D;
    const d = w.u.shape[1];
    return tf.reshape(tf.matMul(tf.slice(w.u, [t, 0], [1, d]), tf.slice(w.v, [from, 0], [count, d]), false, true), [count]) as tf.Tensor1D; // u_t v_jᵀ
  });
}
