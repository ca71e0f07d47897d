/**
 * A Transformer over token ids for the sequence tasks: token embedding, learned
 * position embedding, a pre-norm TransformerEncoder (any registered attention,
 * causal when the task is), then one token's output → linear head:
 * - `first`: a [CLS] token in front (LRA's ListOps models pool this way);
 * - `last`: the last token, which under causal attention is the only one that
 *   has seen the whole sequence (associative recall);
 * - `every`: no pooling, the head on every token → `[batch, tokens, classes]`, for tasks
 *   labelled per position (MQAR: each query position predicts its value, causally).
 * A 1-D sequence is the grid [1, N] for variants that need a grid.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { PositionEmbedding, TokenEmbedding } from '@attention-zoo/attention-core';
import { classifierHead, encoderLayer, type EncoderOptions } from './encoder.js';

export interface SequenceClassifierOptions extends EncoderOptions {
  tokens: number;
  vocab: number;
  classes: number;
  pool: 'first' | 'last' | 'every';
  causal: boolean;
}

export function sequenceClassifier(o: SequenceClassifierOptions): tfl.LayersModel {
  const encoder = encoderLayer(o, { tokens: o.tokens, grid: [1, o.tokens], causal: o.causal }); // refuses a variant that cannot serve the task
  const input = tfl.input({ shape: [o.tokens], dtype: 'int32', name: 'tokens' });
  let x = new TokenEmbedding({ vocab: o.vocab, dim: o.dim, seed: o.seed + 1, name: 'embed' }).apply(input) as tfl.SymbolicTensor; // [B, N, dim]
  x = new PositionEmbedding({ tokens: o.tokens, dim: o.dim, seed: o.seed + 2, name: 'pos_embed' }).apply(x) as tfl.SymbolicTensor;
  x = encoder.apply(x) as tfl.SymbolicTensor; // [B, N, dim]
  if (o.pool === 'every') {
    const perToken = classifierHead(o, o.classes).apply(x) as tfl.SymbolicTensor; // Dense on the last axis: [B, N, classes]
    return tfl.model({ inputs: input, outputs: perToken, name: 'sequence_tagger' });
  }
  // Keep one token: as [B, N, 1, dim], crop the token axis (tfjs-layers has no cropping1D).
  const crop: [number, number] = o.pool === 'first' ? [0, o.tokens - 1] : [o.tokens - 1, 0];
  x = tfl.layers.reshape({ targetShape: [o.tokens, 1, o.dim], name: 'as_image' }).apply(x) as tfl.SymbolicTensor; // [B, N, 1, dim]
  x = tfl.layers.cropping2D({ cropping: [crop, [0, 0]], name: 'pool' }).apply(x) as tfl.SymbolicTensor; // [B, 1, 1, dim]
  x = tfl.layers.flatten({ name: 'pooled' }).apply(x) as tfl.SymbolicTensor; // [B, dim]
  const logits = classifierHead(o, o.classes).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'sequence_classifier' });
}
