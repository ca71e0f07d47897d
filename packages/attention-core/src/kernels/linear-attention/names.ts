import type { Layout } from '../layout.js';

/** tfjs kernel names (inputs phiQ, phiK, v, optional mask [B, M]; output [B, H, N, dv] or [B, N, H·dv]). */
export const LINEAR_ATTENTION = 'AttentionZooLinearAttention';
/** Inputs phiQ, phiK, v, out, dy, optional mask; outputs dφQ, dφK, dV. */
export const LINEAR_ATTENTION_GRAD = 'AttentionZooLinearAttentionGrad';

export interface LinearAttentionAttrs {
  causal: boolean;
  eps: number;
  /** Divide by φ(q)·Σφ(k) + ε (the primitive); false: the bare product Σ (φq·φk) v. */
  normalise: boolean;
  layout: Layout;
  /** Heads of a tokens-first layout. */
  heads: number;
}
