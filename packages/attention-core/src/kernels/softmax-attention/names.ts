import type { Layout } from '../layout.js';

/** tfjs kernel names. Inputs q, k, v, optional mask [B, M] (1 = real key); outputs out and stats [B, H, N, 2]. */
export const SOFTMAX_ATTENTION = 'AttentionZooSoftmaxAttention';
/** Inputs q, k, v, out, stats, dy, optional mask; outputs dq, dk, dv. */
export const SOFTMAX_ATTENTION_GRAD = 'AttentionZooSoftmaxAttentionGrad';

export interface SoftmaxAttentionAttrs {
  scale: number;
  /** Key j ≤ query i (top-left aligned). */
  causal: boolean;
  /** Band radius w: keys with |i − j| ≤ w (causal: 0 ≤ i − j ≤ w); −1 = every key. */
  window: number;
  layout: Layout;
  heads: number;
}
