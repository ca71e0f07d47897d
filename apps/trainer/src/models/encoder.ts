/**
 * The Transformer part every trainer model shares: its options, the layout keys a
 * variant needs, the pre-norm encoder from core, and the linear head.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { getAttention, layoutConfig, TransformerEncoder, type AttentionSpec } from '@attention-zoo/attention-core';

export interface EncoderOptions {
  /** Registry name of the attention, with variant options (`{ name: 'aft-local', window: 8 }`). */
  attention: AttentionSpec;
  dim: number;
  depth: number;
  numHeads: number;
  mlpRatio: number;
  dropPath: number;
  seed: number;
}

/** How the encoder's tokens are laid out: count, row-major grid, causal or not. */
export interface TokenLayout {
  tokens: number;
  grid: [number, number];
  causal: boolean;
}

/**
 * The attention-dependent encoder keys for a token layout: core's `layoutConfig`
 * (the grid for grid variants, `maxTokens` for length-tied ones), and `causal: true`
 * for causal tasks. A variant without a causal form is refused for a causal task.
 */
function attentionKeys(spec: AttentionSpec, layout: TokenLayout): { grid?: [number, number]; maxTokens?: number; causal?: boolean } {
  const d = getAttention(spec.name);
  if (layout.causal && !d.capabilities.causal) {
    throw new Error(`attention '${d.name}' has no causal form, and this task is causal; pick one with capabilities.causal`);
  }
  return { ...layoutConfig(d, layout), causal: layout.causal ? true : undefined };
}

/** The pre-norm TransformerEncoder of a trainer model (`encoder`, seeded `seed + 3`). */
export function encoderLayer(o: EncoderOptions, layout: TokenLayout, extra: { layerNormEpsilon?: number } = {}): TransformerEncoder {
  const keys = attentionKeys(o.attention, layout);
  return new TransformerEncoder({
    dim: o.dim, numHeads: o.numHeads, depth: o.depth, mlpRatio: o.mlpRatio, dropPathRate: o.dropPath,
    attention: o.attention, grid: keys.grid, maxTokens: keys.maxTokens, causal: keys.causal, ...extra, seed: o.seed + 3, name: 'encoder',
  });
}

/** The linear classifier on pooled features (`head`, seeded `seed + 4`): logits [B, classes]. */
export function classifierHead(o: Pick<EncoderOptions, 'seed'>, classes: number): tfl.layers.Layer {
  return tfl.layers.dense({ units: classes, name: 'head', kernelInitializer: tfl.initializers.glorotUniform({ seed: o.seed + 4 }) });
}
