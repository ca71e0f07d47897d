import type * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

const show = (t: tf.Tensor) => `[${t.shape.join(', ')}]`;

/**
 * Checks the q, k, v of AFT-full/simple/local: equal shapes `[..., tokens, channels]`
 * (`[batch, tokens, dim]` or heads-first `[batch, heads, tokens, headDim]`; AFT mixes
 * every channel on its own, so heads only group channels). Returns the sizes.
 */
export function checkTokensChannels(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  op: string,
): { tokens: number; channels: number; lead: number } {
  if (q.rank < 3) {
    throw new AttentionInputError(`${op}: q must be [batch, tokens, channels] or [batch, heads, tokens, headDim], got ${show(q)}`);
  }
  if (k.shape.join() !== q.shape.join() || v.shape.join() !== q.shape.join()) {
    throw new AttentionInputError(`${op}: q, k and v must have the same shape; got q ${show(q)}, k ${show(k)}, v ${show(v)}`);
  }
  const tokens = q.shape[q.rank - 2]!;
  const channels = q.shape[q.rank - 1]!;
  return { tokens, channels, lead: q.size / (tokens * channels) };
}
