import type { serialization } from '@tensorflow/tfjs-core';
import { defaultLayerName, registerLayerClass } from '@attention-zoo/attention-core';
import { FLattenBlock, type FLattenBlockConfig } from '../shared/official-block.js';
import { FLattenSwinAttention } from './layer.js';

export interface FLattenSwinBlockConfig extends FLattenBlockConfig {
  /** `[H, W]` of the token grid (official `input_resolution`). */
  inputResolution: [number, number];
  /** Official `window_size`; default 7 (SwinTransformerBlock's default). Clamped to min(H, W) as in the official block. */
  windowSize?: number;
  /** Official `shift_size`; default 0. */
  shiftSize?: number;
  /** Default true. */
  qkvBias?: boolean;
  /** A `flatten-swin` layer to use instead of building one (its grid, window and options then hold). */
  attention?: FLattenSwinAttention;
}

/**
 * The official `SwinTransformerBlock` with `attn_type='L'` (models/flatten_swin.py):
 * x + attn(norm1(x)) with cyclic shift, window partition, focused linear attention
 * (no shifted-window mask), window reverse and shift back; then x + mlp(norm2(x)).
 * The shift and windows live in `FLattenSwinAttention`; `attn_mask` is checked and
 * ignored when loading (the linear attention never reads it).
 */
export class FLattenSwinBlock extends FLattenBlock<FLattenSwinAttention> {
  static override className = 'AttentionZoo>FLattenSwinBlock';

  constructor(config: FLattenSwinBlockConfig) {
    const name = config.name ?? defaultLayerName('flatten_swin_block');
    const attn =
      config.attention ??
      new FLattenSwinAttention({
        dim: config.dim,
        numHeads: config.numHeads,
        grid: config.inputResolution,
        windowSize: config.windowSize ?? 7,
        shiftSize: config.shiftSize ?? 0,
        qkvBias: config.qkvBias ?? true,
        focusingFactor: config.focusingFactor,
        kernelSize: config.kernelSize,
        seed: config.seed,
        name: `${name}_attn`,
      });
    super({ ...config, name }, attn);
  }

  /** `[H, W]` of the token grid. */
  get inputResolution(): [number, number] {
    return this.attn.grid!;
  }

  protected override geometryConfig(): serialization.ConfigDict {
    return { inputResolution: this.inputResolution, windowSize: this.attn.windowSize, shiftSize: this.attn.shiftSize };
  }
}

registerLayerClass(FLattenSwinBlock);
