import type { serialization } from '@tensorflow/tfjs-core';
import { defaultLayerName, registerLayerClass } from '@attention-zoo/attention-core';
import { FLattenBlock, type FLattenBlockConfig } from '../shared/official-block.js';
import { FLattenCSwinAttention } from './layer.js';

export interface FLattenCSwinBlockConfig extends FLattenBlockConfig {
  /** Side of the square token map (official `reso`); or pass `grid` for a rectangular one. */
  reso?: number;
  grid?: [number, number];
  /** Official default false (`CSWinBlock(qkv_bias=False)`); the FLatten-CSwin models pass true. */
  qkvBias?: boolean;
  /** A `flatten-cswin` layer to use instead of building one (its grid and options then hold). */
  attention?: FLattenCSwinAttention;
}

/**
 * The official `CSWinBlock` with `attn_type='L'` and one global branch
 * (`split_size` = `reso`, so `last_stage` holds): x + proj(attn(qkv(norm1(x)))),
 * then x + mlp(norm2(x)). The block's `qkv` and `proj` are the projections of its
 * `FLattenCSwinAttention` (its descriptor's `torchKeyPrefix` is `''`).
 */
export class FLattenCSwinBlock extends FLattenBlock<FLattenCSwinAttention> {
  static override className = 'AttentionZoo>FLattenCSwinBlock';

  constructor(config: FLattenCSwinBlockConfig) {
    const name = config.name ?? defaultLayerName('flatten_cswin_block');
    const grid = config.grid ?? (config.reso !== undefined ? ([config.reso, config.reso] as [number, number]) : undefined);
    const attn =
      config.attention ??
      new FLattenCSwinAttention({
        dim: config.dim,
        numHeads: config.numHeads,
        grid: grid!,
        qkvBias: config.qkvBias ?? false,
        focusingFactor: config.focusingFactor,
        kernelSize: config.kernelSize,
        seed: config.seed,
        name: `${name}_attn`,
      });
    super({ ...config, name }, attn);
  }

  /** `[H, W]` of the token map. */
  get grid(): [number, number] {
    return this.attn.grid!;
  }

  protected override geometryConfig(): serialization.ConfigDict {
    return { grid: this.grid };
  }
}

registerLayerClass(FLattenCSwinBlock);
