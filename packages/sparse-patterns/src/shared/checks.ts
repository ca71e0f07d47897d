import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { checkQKV } from '@attention-zoo/attention-core/ops';

/** Throws an AttentionConfigError unless `x` is an integer ≥ `min`. */
export function checkInt(op: string, key: string, x: unknown, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new AttentionConfigError(`${op}: ${key} must be an integer ≥ ${min}, got ${JSON.stringify(x)}`);
  }
  return x;
}

/** Self-attention shapes of the sparse ops: q, k, v `[B, H, N, d]` with as many keys as queries. */
export function checkSelfQKV(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, op: string) {
  const s = checkQKV(q, k, v, op);
  if (s.keys !== s.queries) {
    throw new AttentionInputError(`${op}: a sparse pattern relates positions of one sequence, so keys (${s.keys}) must equal queries (${s.queries})`);
  }
  return s;
}

/** Checks a `[batch, tokens]` key-padding mask. */
export function checkMask(mask: tf.Tensor | undefined, batch: number, n: number, op: string): void {
  if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== n)) {
    throw new AttentionInputError(`${op}: keyPaddingMask must have shape [batch, tokens] = [${batch}, ${n}] (1 = real key, 0 = padding), got [${mask.shape}]`);
  }
}
