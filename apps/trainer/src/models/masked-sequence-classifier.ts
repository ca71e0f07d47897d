/**
 * The sequence classifier for padded long-range tasks: like `sequenceClassifier`, but the
 * key-padding mask (ids ≠ the pad id) goes to every attention block and to the pooling,
 * so padding never changes what a real token sees or what is pooled. Every batch carries
 * its mask in its ids. A variant that cannot take a key-padding mask is refused by its
 * layer with the reason.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { PaddingMask, PositionEmbedding, SequencePool, TokenEmbedding } from '@attention-zoo/attention-core';
import { classifierHead, encoderLayer, type EncoderOptions } from './encoder.js';

export interface MaskedSequenceClassifierOptions extends EncoderOptions {
  tokens: number;
  vocab: number;
  classes: number;
  /** `first`: a [CLS] token in front (LRA's ListOps models); `mean`: the mean over real tokens. */
  pool: 'first' | 'mean';
  /** The id of padding; default 0. */
  padId?: number;
  /** Grid of the tokens for grid variants (an image's pixels); default [1, tokens]. */
  grid?: [number, number];
}

export function maskedSequenceClassifier(o: MaskedSequenceClassifierOptions): tfl.LayersModel {
  const encoder = encoderLayer(o, { tokens: o.tokens, grid: o.grid ?? [1, o.tokens], causal: false });
  const input = tfl.input({ shape: [o.tokens], dtype: 'int32', name: 'tokens' });
  const mask = new PaddingMask({ padId: o.padId ?? 0, name: 'mask' }).apply(input) as tfl.SymbolicTensor; // [B, N]
  let x = new TokenEmbedding({ vocab: o.vocab, dim: o.dim, seed: o.seed + 1, name: 'embed' }).apply(input) as tfl.SymbolicTensor; // [B, N, dim]
  x = new PositionEmbedding({ tokens: o.tokens, dim: o.dim, seed: o.seed + 2, name: 'pos_embed' }).apply(x) as tfl.SymbolicTensor;
  x = encoder.apply([x, mask]) as tfl.SymbolicTensor; // [B, N, dim]
  x = new SequencePool({ pool: o.pool, name: 'pool' }).apply([x, mask]) as tfl.SymbolicTensor; // [B, dim]
  const logits = classifierHead(o, o.classes).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'masked_sequence_classifier' });
}
