import { serialization } from '@tensorflow/tfjs-core';
import { TransformerBlock, registerLayerClass } from '@attention-zoo/attention-core';
import {
  type HostTensor,
  type LoadStateDictOptions,
  type LoadStateDictReport,
  type StateDictKeyMap,
  timmBlockKeyMap,
} from '@attention-zoo/attention-core/weights';
import { loadBlockStateDict, nestedKeyMap } from '../layers/official-block.js';
import { FLattenCSwinAttention } from './layer.js';

export interface FlattenCSwinBlockConfig {
  dim: number;
  numHeads: number;
  /** Side of the square token map (official `reso`); or pass `grid` for a rectangular one. */
  reso?: number;
  grid?: [number, number];
  /** Default 4. */
  mlpRatio?: number;
  /** Official default false (`CSWinBlock(qkv_bias=False)`); the FLatten-CSwin models pass true. */
  qkvBias?: boolean;
  /** Default 3. */
  focusingFactor?: number;
  /** Default 5. */
  kernelSize?: number;
  /** Default 0. */
  dropPath?: number;
  /** Default 1e-5 (nn.LayerNorm). */
  layerNormEpsilon?: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

let count = 0;

/**
 * The official `CSWinBlock` with `attn_type='L'` and one global branch
 * (`split_size` = `reso`, so `last_stage` holds): x + proj(attn(qkv(norm1(x)))),
 * then x + mlp(norm2(x)). Built on core's pre-norm `TransformerBlock`; the block's
 * `qkv` and `proj` are the projections of its `FLattenCSwinAttention`.
 */
export class FlattenCSwinBlock extends TransformerBlock {
  static override className = 'AttentionZoo>FlattenCSwinBlock';
  declare readonly attn: FLattenCSwinAttention;
  readonly grid: [number, number];

  constructor(config: FlattenCSwinBlockConfig) {
    const name = config.name ?? (count++ === 0 ? 'flatten_cswin_block' : `flatten_cswin_block_${count - 1}`);
    const grid = config.grid ?? (config.reso !== undefined ? ([config.reso, config.reso] as [number, number]) : undefined);
    const attn = new FLattenCSwinAttention({
      dim: config.dim,
      numHeads: config.numHeads,
      grid: grid!,
      qkvBias: config.qkvBias ?? false,
      focusingFactor: config.focusingFactor,
      kernelSize: config.kernelSize,
      seed: config.seed,
      name: `${name}_attn`,
    });
    super({
      dim: config.dim,
      numHeads: config.numHeads,
      attention: attn,
      mlpRatio: config.mlpRatio ?? 4,
      dropPath: config.dropPath ?? 0,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-5,
      seed: config.seed,
      name,
      trainable: config.trainable,
    });
    this.grid = attn.grid!;
  }

  /** Official keys: `norm1`, `qkv`, `proj`, `attns.0.{scale,positional_encoding,get_v,dwc}`, `norm2`, `mlp.fc1`, `mlp.fc2`. */
  torchKeyMap(): StateDictKeyMap {
    return { ...timmBlockKeyMap(), ...nestedKeyMap(this.attn, '') };
  }

  loadTorchStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, options: LoadStateDictOptions = {}): LoadStateDictReport {
    return loadBlockStateDict(this, this.grid[0] * this.grid[1], this.torchKeyMap(), stateDict, options);
  }

  override getConfig(): serialization.ConfigDict {
    const { attention: _attention, ...rest } = super.getConfig();
    return {
      ...rest,
      grid: this.grid,
      qkvBias: this.attn.qkvBias,
      focusingFactor: this.attn.focusingFactor,
      kernelSize: this.attn.kernelSize,
    };
  }
}

registerLayerClass(FlattenCSwinBlock);
