/**
 * The trainer's ViT for MNIST: a p×p patch embedding (a stride-p convolution = a
 * dense layer over each flattened patch), a learned position embedding, core's
 * pre-norm TransformerEncoder with any registered attention, mean pooling over the
 * tokens, and a linear head.
 *
 * Mean pooling rather than a class token keeps the token count at (H/p)·(W/p), so
 * variants that need the token grid (FLatten's depthwise convolution, AFT-conv)
 * get an exact `grid: [H/p, W/p]`.
 *
 * Why not `@attention-zoo/vision-backbones`' DeiT (which, with `classToken: false`,
 * is nearly this stack): DeiT takes RGB images only — its patch kernel is
 * [p, p, 3, C] and it refuses `[28, 28, 1]` with an AttentionInputError — so MNIST
 * would need its grey level copied into three channels (three times the
 * patch-embedding weights for the same information). And DeiT is one layer
 * (`AttentionZoo>DeiT`) holding its blocks inside: the demo registers only core and
 * the variant packages before `loadLayersModel`, and its attention view finds the
 * `TransformerEncoder` among the model's layers, so it could neither load nor look
 * into an export built on DeiT. This model is built from core's shared layers (its
 * encoder's `TransformerBlock` is the block class DeiT's blocks are too), and the
 * model the demo ships keeps loading.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { PositionEmbedding } from '@attention-zoo/attention-core';
import { classifierHead, encoderLayer, type EncoderOptions } from './encoder.js';

export interface SmallVitOptions extends EncoderOptions {
  /** Image [height, width, channels]. */
  image: [number, number, number];
  patch: number;
  classes: number;
}

export function smallVit(o: SmallVitOptions): tfl.LayersModel {
  const [h, w, c] = o.image;
  if (h % o.patch !== 0 || w % o.patch !== 0) throw new Error(`small ViT: patch ${o.patch} must divide the image ${h}×${w}`);
  const grid: [number, number] = [h / o.patch, w / o.patch];
  const tokens = grid[0] * grid[1];
  const encoder = encoderLayer(o, { tokens, grid, causal: false }, { layerNormEpsilon: 1e-6 });
  const input = tfl.input({ shape: [h, w, c], name: 'image' });
  // Patch embedding as a dense layer over each flattened p×p×c patch (what a stride-p
  // convolution computes; tfjs's CPU convolution gradient is far slower than a matmul).
  const [gh, gw, p] = [grid[0], grid[1], o.patch];
  let x = tfl.layers.reshape({ targetShape: [gh, p, gw, p * c], name: 'patch_rows' }).apply(input) as tfl.SymbolicTensor; // [B, H/p, p, W/p, p·c]
  x = tfl.layers.permute({ dims: [1, 3, 2, 4], name: 'patch_grid' }).apply(x) as tfl.SymbolicTensor; // [B, H/p, W/p, p, p·c]
  x = tfl.layers.reshape({ targetShape: [tokens, p * p * c], name: 'patches' }).apply(x) as tfl.SymbolicTensor; // [B, N, p²c], row-major
  x = tfl.layers
    .dense({ units: o.dim, name: 'patch_embed', kernelInitializer: tfl.initializers.glorotUniform({ seed: o.seed + 1 }) })
    .apply(x) as tfl.SymbolicTensor; // [B, N, dim]
  x = new PositionEmbedding({ tokens, dim: o.dim, seed: o.seed + 2, name: 'pos_embed' }).apply(x) as tfl.SymbolicTensor;
  x = encoder.apply(x) as tfl.SymbolicTensor; // [B, N, dim]
  x = tfl.layers.globalAveragePooling1d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor; // [B, dim]
  const logits = classifierHead(o, o.classes).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'small_vit' });
}
