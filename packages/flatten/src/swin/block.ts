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
import { FLattenSwinAttention } from './layer.js';

export interface FlattenSwinBlockConfig {
  dim: number;
  numHeads: number;
  /** `[H, W]` of the token grid (official `input_resolution`). */
  inputResolution: [number, number];
  /** Official `window_size`; default 7 (SwinTransformerBlock's default). Clamped to min(H, W) as in the official block. */
  windowSize?: number;
  /** Official `shift_size`; default 0. */
  shiftSize?: number;
  /** Default 4. */
  mlpRatio?: number;
  /** Default true. */
  qkvBias?: boolean;
  /** Default 3. */
  focusingFactor?: number;
  /** Default 5. */
  kernelSize?: number;
  /** Stochastic depth rate (official `drop_path`). Default 0. */
  dropPath?: number;
  /** Default 1e-5 (nn.LayerNorm). */
  layerNormEpsilon?: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

let count = 0;

/**
 * The official `SwinTransformerBlock` with `attn_type='L'` (models/flatten_swin.py):
 * x + attn(norm1(x)) with cyclic shift, window partition, focused linear attention
 * (no shifted-window mask), window reverse and shift back; then x + mlp(norm2(x)),
 * mlp = fc1 → exact GELU → fc2. Built on core's pre-norm `TransformerBlock`
 * (the shift and windows live in `FLattenSwinAttention`).
 */
export class FlattenSwinBlock extends TransformerBlock {
  static override className = 'AttentionZoo>FlattenSwinBlock';
  readonly inputResolution: [number, number];
  readonly windowSize: number;
  readonly shiftSize: number;
  declare readonly attn: FLattenSwinAttention;

  constructor(config: FlattenSwinBlockConfig) {
    const name = config.name ?? (count++ === 0 ? 'flatten_swin_block' : `flatten_swin_block_${count - 1}`);
    const attn = new FLattenSwinAttention({
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
    this.inputResolution = attn.grid!;
    this.windowSize = config.windowSize ?? 7;
    this.shiftSize = config.shiftSize ?? 0;
  }

  /** Official keys: `norm1`, `attn.{qkv,proj,scale,positional_encoding,dwc}`, `norm2`, `mlp.fc1`, `mlp.fc2` (and the unused `attn_mask` buffer). */
  torchKeyMap(): StateDictKeyMap {
    return { ...timmBlockKeyMap(), ...nestedKeyMap(this.attn, 'attn.') };
  }

  /** Loads an official `SwinTransformerBlock` state_dict; `attn_mask` is checked and ignored (the linear attention never reads it). */
  loadTorchStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, options: LoadStateDictOptions = {}): LoadStateDictReport {
    const [h, w] = this.inputResolution;
    const ws = this.attn.window;
    const mask = this.attn.shift > 0 ? [(h / ws) * (w / ws), ws * ws, ws * ws] : undefined;
    return loadBlockStateDict(this, h * w, this.torchKeyMap(), stateDict, { ...options, ignored: { attn_mask: mask } });
  }

  override getConfig(): serialization.ConfigDict {
    const { attention: _attention, ...rest } = super.getConfig();
    return {
      ...rest,
      inputResolution: this.inputResolution,
      windowSize: this.windowSize,
      shiftSize: this.shiftSize,
      qkvBias: this.attn.qkvBias,
      focusingFactor: this.attn.focusingFactor,
      kernelSize: this.attn.kernelSize,
    };
  }
}

registerLayerClass(FlattenSwinBlock);
