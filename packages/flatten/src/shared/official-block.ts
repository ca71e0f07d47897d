import * as tf from '@tensorflow/tfjs-core';
import type { serialization } from '@tensorflow/tfjs-core';
import { descriptorOf, TransformerBlock, WeightLoadError, type AttentionBlock } from '@attention-zoo/attention-core';
import {
  loadStateDict,
  nestKeyMap,
  timmBlockKeyMap,
  type HostTensor,
  type LoadStateDictOptions,
  type LoadStateDictReport,
  type StateDictKeyMap,
} from '@attention-zoo/attention-core/weights';
import type { FocusedLinearLayer } from './focused-layer.js';

/** The options every official FLatten block takes besides its attention's geometry. */
export interface FLattenBlockConfig {
  dim: number;
  numHeads: number;
  /** Default 4. */
  mlpRatio?: number;
  /** Default 3. */
  focusingFactor?: number;
  /** Default 5. */
  kernelSize?: number;
  /** Stochastic depth rate (official `drop_path`). Default 0. */
  dropPath?: number;
  /** Default 1e-5 (`nn.LayerNorm`). */
  layerNormEpsilon?: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * An official FLatten block (`SwinTransformerBlock`, `CSWinBlock` with `attn_type='L'`): core's
 * pre-norm block x + attn(norm1(x)), then x + mlp(norm2(x)) with mlp = fc1 → exact GELU → fc2,
 * around one FLatten form. Its official keys are timm's block keys and the attention's keys
 * from its registry descriptor (under the descriptor's `torchKeyPrefix`); the official buffers
 * the linear attention never reads (`attn_mask`) are checked for shape and dropped when loading.
 */
export abstract class FLattenBlock<A extends FocusedLinearLayer> extends TransformerBlock {
  declare readonly attn: A;

  protected constructor(config: FLattenBlockConfig & { name: string }, attn: A) {
    super({
      dim: config.dim,
      numHeads: config.numHeads,
      attention: attn,
      mlpRatio: config.mlpRatio ?? 4,
      dropPath: config.dropPath ?? 0,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-5,
      seed: config.seed,
      name: config.name,
      trainable: config.trainable,
    });
  }

  /** Official keys: `norm1`, `norm2`, `mlp.fc1`, `mlp.fc2`, and the attention's (see its descriptor's `torchKeyMap`). */
  torchKeyMap(): StateDictKeyMap {
    const d = descriptorOf(this.attn);
    return { ...timmBlockKeyMap(), ...nestKeyMap(d.torchKeyMap!(this.attn), d.torchKeyPrefix ?? 'attn.', 'attn/') };
  }

  /** Official buffers of the block that the focused linear attention does not use: key → shape. */
  torchBuffers(): Record<string, number[]> {
    return descriptorOf(this.attn).torchBuffers?.(this.attn) ?? {};
  }

  /** The block as `makeBlock` returns it (the descriptors' `block` hook). */
  attentionBlock(): AttentionBlock {
    return { layer: this, attn: this.attn, torchKeyMap: this.torchKeyMap(), torchBuffers: this.torchBuffers() };
  }

  /**
   * Loads an official block `state_dict`: builds the block if needed, checks the shapes of the
   * buffers it recomputes and drops them, then core's `loadStateDict` (one `WeightLoadError`
   * listing missing, unknown and mis-shaped keys; nothing is written then).
   */
  loadTorchStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, options: LoadStateDictOptions = {}): LoadStateDictReport {
    if (!this.built) {
      const [h, w] = this.attn.grid!;
      tf.tidy(() => {
        this.apply(tf.zeros([1, h * w, this.dim]));
      });
    }
    const prefix = options.prefix ?? '';
    const sd = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    for (const [key, shape] of Object.entries(this.torchBuffers())) {
      const t = sd.get(prefix + key);
      if (!t) continue;
      if (t.shape.join() !== shape.join()) {
        throw new WeightLoadError(
          `loading a state_dict into '${this.name}' failed; nothing was changed:\n  ${prefix + key} [${t.shape.join(', ')}]: expected [${shape.join(', ')}] for this block's geometry`,
        );
      }
      sd.delete(prefix + key);
    }
    return loadStateDict(this, sd, this.torchKeyMap(), options);
  }

  /** The block's own geometry keys in its config (the attention is rebuilt from them). */
  protected abstract geometryConfig(): serialization.ConfigDict;

  override getConfig(): serialization.ConfigDict {
    const { attention: _attention, ...rest } = super.getConfig();
    return {
      ...rest,
      ...this.geometryConfig(),
      qkvBias: this.attn.qkvBias,
      focusingFactor: this.attn.focusingFactor,
      kernelSize: this.attn.kernelSize,
    };
  }
}
