import type * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError } from '@attention-zoo/attention-core';

export interface SharedProjectionConfig {
  /** Projected length k (rows of E). */
  k: number;
  /** Longest sequence n (columns of E). */
  maxTokens: number;
  /** Stable id, written into each layer's config so a saved model re-links its layers; default `linformer_projection_<n>`. */
  id?: string;
}

const current = new Map<string, SharedProjection>();
let counter = 0;

/**
 * Linformer's layerwise sharing (Wang et al. 2020, §4): one E ∈ R^{k×n} used by
 * every layer of a model, for all heads, for both keys and values.
 *
 * Pass the same object as `projection` to each layer (`sharing: 'layerwise'`).
 * The first of them to be built owns the weight — it is created, trained, saved
 * and loaded as that layer's `E` — and the others read it. Each layer's config
 * records the id, so `tf.loadLayersModel` re-links the loaded layers to one
 * fresh projection (see `SharedProjection.resolve`).
 */
export class SharedProjection {
  readonly k: number;
  readonly maxTokens: number;
  readonly id: string;
  private variable: LayerVariable | undefined;
  private ownerName: string | undefined;

  constructor(config: SharedProjectionConfig) {
    for (const key of ['k', 'maxTokens'] as const) {
      const v = config?.[key];
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
        throw new AttentionConfigError(`SharedProjection: ${key} must be an integer ≥ 1, got ${JSON.stringify(v)}`);
      }
    }
    if (config.k > config.maxTokens) {
      throw new AttentionConfigError(`SharedProjection: k ${config.k} is larger than maxTokens ${config.maxTokens}; a Linformer projection must shorten the sequence (k ≤ n)`);
    }
    this.k = config.k;
    this.maxTokens = config.maxTokens;
    this.id = config.id ?? `linformer_projection_${counter++}`;
    current.set(this.id, this);
  }

  /**
   * The projection a layer config names by id: the live one while no layer has
   * claimed it yet, else a fresh one under the same id. Loading a saved model
   * constructs all its layers before building any, so they all get the same
   * fresh projection, and the first to build (the original owner) claims it.
   */
  static resolve(id: string, k: number, maxTokens: number): SharedProjection {
    const live = current.get(id);
    if (live && !live.claimed) return live;
    return new SharedProjection({ id, k, maxTokens });
  }

  /** Whether a layer has created (and owns) the weight. */
  get claimed(): boolean {
    return this.variable !== undefined;
  }

  /** Called by the first layer built with this projection, with the weight it created. */
  claim(variable: LayerVariable, owner: string): void {
    this.variable = variable;
    this.ownerName = owner;
  }

  /** E `[k, maxTokens]`; throws when no layer using it has been built yet. */
  read(who: string): tf.Tensor2D {
    if (!this.variable) {
      throw new AttentionConfigError(`${who}: shared projection '${this.id}' has no weight yet: its owner layer must be built first`);
    }
    return this.variable.read() as tf.Tensor2D;
  }

  /** Name of the layer that owns the weight, if any. */
  get owner(): string | undefined {
    return this.ownerName;
  }
}
