// Building a registered variant's layer from the capabilities it declares.
import * as tf from '@tensorflow/tfjs-core';
import { createAttention, type AttentionLayer, type RegisteredAttention } from '@attention-zoo/attention-core';

export interface LayerShape {
  dim: number;
  heads: number;
  tokens: number;
  /** The token grid `[height, width]` (row-major); passed to variants that declare `needsGrid`. */
  grid: [number, number];
  seed?: number;
}

/** Shared config for a variant: `grid` when it needs one, `maxTokens` = tokens when its weights are tied to length. */
export function layerConfig(d: RegisteredAttention, s: LayerShape, overrides: Record<string, unknown> = {}): Record<string, unknown> & { dim: number; numHeads: number } {
  return {
    dim: s.dim,
    numHeads: s.heads,
    seed: s.seed ?? 0,
    ...(d.capabilities.needsGrid ? { grid: s.grid } : {}),
    ...(d.capabilities.needsMaxTokens ? { maxTokens: s.tokens } : {}),
    ...overrides,
  };
}

/** Creates the layer and builds its weights with one forward pass on `x`. */
export function buildLayer(d: RegisteredAttention, s: LayerShape, x: tf.Tensor3D, overrides: Record<string, unknown> = {}): AttentionLayer {
  const layer = createAttention(d.name, layerConfig(d, s, overrides));
  tf.dispose(layer.apply(x) as tf.Tensor);
  return layer;
}

/** The keys every attention layer shares (anything else in getConfig is a variant key). */
export const SHARED_KEYS = new Set([
  'name', 'trainable', 'dtype', 'batchInputShape', 'dim', 'numHeads', 'qkvBias', 'dropout', 'projDropout', 'causal',
  'grid', 'maxTokens', 'checkNumerics', 'seed',
]);

/** Whether `n` is a perfect square (grid variants get a √N×√N grid). */
export function squareSide(n: number): number | null {
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? s : null;
}
