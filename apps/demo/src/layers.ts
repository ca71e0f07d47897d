// Building a registered variant's layer from the capabilities it declares.
import * as tf from '@tensorflow/tfjs-core';
import { createAttention, layoutConfig, type AttentionLayer, type RegisteredAttention } from '@attention-zoo/attention-core';

export interface LayerShape {
  dim: number;
  numHeads: number;
  tokens: number;
  /** The token grid `[height, width]` (row-major); passed to variants that declare `needsGrid`. */
  grid: [number, number];
  seed?: number;
}

/** Creates the layer (`grid`/`maxTokens` as its capabilities ask), weights not yet built. */
export function createLayer(d: RegisteredAttention, s: LayerShape, overrides: Record<string, unknown> = {}): AttentionLayer {
  return createAttention(d.name, {
    dim: s.dim,
    numHeads: s.numHeads,
    seed: s.seed ?? 0,
    ...layoutConfig(d, { tokens: s.tokens, grid: s.grid }),
    ...overrides,
  });
}

/** Creates the layer and builds its weights with one forward pass on `x`. */
export function buildLayer(d: RegisteredAttention, s: LayerShape, x: tf.Tensor3D, overrides: Record<string, unknown> = {}): AttentionLayer {
  const layer = createLayer(d, s, overrides);
  tf.dispose(layer.apply(x) as tf.Tensor);
  return layer;
}
