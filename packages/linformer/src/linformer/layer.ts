import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { linformerAttention, linformerAttentionWeights, type SequenceProjection } from './op.js';
import { SharedProjection } from './shared-projection.js';

/**
 * Which projections are shared (Wang et al. 2020, §4 "Parameter sharing"):
 * - `none`: an E_i and an F_i per head;
 * - `headwise`: one E and one F per layer, shared by its heads;
 * - `key-value`: one E per layer, for keys and values (E = F) and all heads;
 * - `layerwise`: one E for every layer of the model (pass the same `projection` to each).
 */
export type LinformerSharing = 'none' | 'headwise' | 'key-value' | 'layerwise';
export const LINFORMER_SHARING = ['none', 'headwise', 'key-value', 'layerwise'] as const satisfies readonly LinformerSharing[];

export interface LinformerAttentionConfig extends AttentionConfig {
  /** Projected length k (rows of E and F); default ⌊maxTokens/4⌋ (fairseq's `compressed = 4`: k = 128 at n = 512, the paper's setting). Must be ≤ maxTokens. */
  k?: number;
  /** Default `headwise` (fairseq's default). */
  sharing?: LinformerSharing;
  /**
   * With `sharing: 'layerwise'`: the E shared by the model's layers (a `SharedProjection`,
   * or its id in a saved config). Without it, the layer makes its own E (one layer alone
   * is then the same as key-value sharing).
   */
  projection?: SharedProjection | string;
}

/**
 * Linformer self-attention (Wang et al. 2020): K and V are projected along the
 * sequence axis to k rows, K̄ = E·K, V̄ = F·V, then softmax(Q K̄ᵀ/√d) V̄ — linear in N.
 * Inputs shorter than `maxTokens` use E's first N columns (as fairseq does); padded
 * keys are zeroed before the projection so they never mix into K̄, V̄.
 */
export class LinformerAttention extends AttentionLayer {
  static className = 'AttentionZoo>LinformerAttention';
  static override capabilities = defineCapabilities({ keyPaddingMask: true, crossAttention: true, needsMaxTokens: true, attentionMap: 'exact' });

  readonly k: number;
  readonly sharing: LinformerSharing;
  readonly projection: SharedProjection | undefined;

  constructor(config: LinformerAttentionConfig) {
    super(config);
    const n = this.maxTokens!;
    const sharing = config.sharing ?? 'headwise'; // types and ranges: the descriptor's options
    this.sharing = sharing;
    const k = config.k ?? Math.max(1, Math.floor(n / 4));
    if (k > n) {
      throw new AttentionConfigError(`${this.who}: k ${k} is larger than maxTokens ${n}; E and F must shorten the sequence (k ≤ n)`);
    }
    this.k = k;
    if (config.projection != null) {
      if (sharing !== 'layerwise') throw new AttentionConfigError(`${this.who}: a shared projection needs sharing: 'layerwise', got '${sharing}'`);
      const p = typeof config.projection === 'string' ? SharedProjection.resolve(config.projection, k, n) : config.projection;
      if (!(p instanceof SharedProjection)) throw new AttentionConfigError(`${this.who}: projection must be a SharedProjection or its id`);
      if (p.k !== k || p.maxTokens !== n) {
        throw new AttentionConfigError(`${this.who}: the shared projection is [k=${p.k}, n=${p.maxTokens}] but this layer has k ${k}, maxTokens ${n}`);
      }
      this.projection = p;
    }
  }

  protected override buildMixing(): void {
    const [h, k, n] = [this.numHeads, this.k, this.maxTokens!];
    // fairseq: xavier_uniform with gain 1/√2 on each [k, n] projection.
    const bound = Math.sqrt(6 / (k + n)) / Math.SQRT2;
    const init = (seed: number | undefined) => initializers.randomUniform({ minval: -bound, maxval: bound, seed });
    const shape = this.sharing === 'none' ? [h, k, n] : [k, n];
    if (this.projection) {
      if (!this.projection.claimed) this.projection.claim(this.addPathWeight('E', shape, init), this.name);
      return;
    }
    this.addPathWeight('E', shape, init);
    if (this.sharing === 'none' || this.sharing === 'headwise') this.addPathWeight('F', shape, init);
  }

  /** E and F as the op takes them (F undefined when it is E). */
  private sequenceProjections(): { e: SequenceProjection; f?: SequenceProjection } {
    if (this.projection) return { e: this.projection.read(this.who) }; // owner and followers read the one E
    const e = this.weight('E').read() as SequenceProjection;
    const hasF = this.sharing === 'none' || this.sharing === 'headwise';
    return { e, f: hasF ? (this.weight('F').read() as SequenceProjection) : undefined };
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return linformerAttention(q, k, v, {
      ...this.sequenceProjections(),
      keyPaddingMask: ctx.keyPaddingMask,
      dropout: this.dropout,
      training: ctx.training,
      seed: ctx.seed,
    });
  }

  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return linformerAttentionWeights(q, k, { ...this.sequenceProjections(), keyPaddingMask: ctx.keyPaddingMask });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { k: this.k, sharing: this.sharing, projection: this.projection?.id };
  }
}
