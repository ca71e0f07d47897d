import { getAttention, type AttentionSpec, type RegisteredAttention } from '@attention-zoo/attention-core';

/** The Transformer part every trainer model shares. */
export interface EncoderOptions {
  /** Registry name of the attention, with variant options (`{ name: 'aft-local', window: 8 }`). */
  attention: AttentionSpec;
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  dropPath: number;
  seed: number;
}

/**
 * The attention-dependent encoder keys for a token layout: grid variants get the
 * token grid (row-major), length-tied variants get `maxTokens`, causal tasks `causal: true`.
 * A variant that cannot do what the task needs is refused with a clear error.
 */
export function attentionKeys(
  spec: AttentionSpec,
  layout: { tokens: number; grid: [number, number]; causal: boolean },
): { grid?: [number, number]; maxTokens?: number; causal?: boolean; descriptor: RegisteredAttention } {
  const d = getAttention(spec.name);
  if (layout.causal && !d.capabilities.causal) {
    throw new Error(`attention '${d.name}' has no causal form, and this task is causal; pick one with capabilities.causal`);
  }
  return {
    descriptor: d,
    grid: d.capabilities.needsGrid ? layout.grid : undefined,
    maxTokens: d.capabilities.needsMaxTokens ? layout.tokens : undefined,
    causal: layout.causal ? true : undefined,
  };
}
