import type * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';

/** Throws unless `t` has the given rank; `what` names the argument in the message. */
export function assertRank(t: tf.Tensor, rank: number, what: string, layout: string): void {
  if (t.rank !== rank) {
    throw new AttentionInputError(
      `${what} must have rank ${rank} (${layout}), got rank ${t.rank} with shape ${shapeToString(t.shape)}`,
    );
  }
}

/** Checks the heads-first q, k, v of the functional ops and returns their sizes. */
export function checkQKV(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  op: string,
): { batch: number; heads: number; queries: number; keys: number; dk: number; dv: number } {
  const layout = '[batch, heads, tokens, headDim]';
  assertRank(q, 4, `${op}: q`, layout);
  assertRank(k, 4, `${op}: k`, layout);
  assertRank(v, 4, `${op}: v`, layout);
  const [b, h, n, dk] = q.shape as number[];
  const [bk, hk, m, dkk] = k.shape as number[];
  const [bv, hv, mv, dv] = v.shape as number[];
  if (bk !== b || bv !== b || hk !== h || hv !== h) {
    throw new AttentionInputError(
      `${op}: q, k, v must share batch and heads; got q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)}`,
    );
  }
  if (dkk !== dk) {
    throw new AttentionInputError(
      `${op}: q and k must have the same headDim; got q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}`,
    );
  }
  if (mv !== m) {
    throw new AttentionInputError(
      `${op}: k and v must have the same number of tokens; got k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)}`,
    );
  }
  return { batch: b!, heads: h!, queries: n!, keys: m!, dk: dk!, dv: dv! };
}
