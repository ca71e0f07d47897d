import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { linearAttention, linearAttentionState, linearAttentionStep, linearAttentionWeights } from '@attention-zoo/attention-core/ops';

/** Options shared by every feature-map variant of this package. */
export interface KernelizedAttentionConfig extends AttentionConfig {
  /** Added to the normaliser φ(q)ᵀΣφ(k); each variant documents its default. */
  eps?: number;
  /** Chunk length of the causal prefix-sum scan (memory O(N·C + (N/C)·m·d)); default 64. */
  chunkSize?: number;
}

/** The two feature maps of one call: out = φ(Q)(φ(K)ᵀV) / (φ(Q)Σφ(K) + eps). */
export interface FeaturePair {
  phiQ: tf.Tensor4D;
  phiK: tf.Tensor4D;
}

/**
 * Base of the variants that are kernelised linear attention with some feature
 * map φ (Katharopoulos et al. 2020, Eq. 4–6): a variant supplies `features`,
 * this class computes φ(Q)(φ(K)ᵀV) with core's `linearAttention` (non-causal:
 * φ(K)ᵀV first; causal: the chunked prefix sum, never N×N) and the implied
 * weights for `attentionMap`. Dropout, where configured, acts on the mixed
 * values (there is no weight matrix to drop from). Causal layers decode one
 * token at a time (`incremental: 'recurrent'`): per head the running sums
 * [Σφ(k)vᵀ | Σφ(k)] `[m, headDim + 1]`, core's `linearAttentionStep` (Eq. 18–20).
 */
export abstract class KernelizedAttention extends AttentionLayer {
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true, attentionMap: 'exact', incremental: 'recurrent' });

  readonly eps: number;
  readonly chunkSize: number;

  constructor(config: KernelizedAttentionConfig, defaultEps: number) {
    super(config);
    this.eps = config.eps ?? defaultEps;
    if (typeof this.eps !== 'number' || !(this.eps >= 0) || !Number.isFinite(this.eps)) {
      throw new AttentionConfigError(`${this.who}: eps must be a finite number ≥ 0, got ${JSON.stringify(config.eps)}`);
    }
    this.chunkSize = config.chunkSize ?? 64;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new AttentionConfigError(`${this.who}: chunkSize must be a positive integer, got ${JSON.stringify(config.chunkSize)}`);
    }
  }

  /** φ(q) `[B, H, N, m]` and φ(k) `[B, H, M, m]` for this call (padded keys may be left non-zero: they are zeroed here). */
  protected abstract features(q: tf.Tensor4D, k: tf.Tensor4D, ctx: Pick<MixContext, 'keyPaddingMask'>): FeaturePair;

  /** m, the width of φ(·) per head (the rows of the running sums). Default headDim. */
  protected featureDim(): number {
    return this.headDim;
  }

  /** φ(q), φ(k) of the token at `position` `[B, H, 1, m]`; default `features` (maps that do not depend on position). */
  protected stepFeatures(q: tf.Tensor4D, k: tf.Tensor4D, _position: number): FeaturePair {
    return this.features(q, k, {});
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    return { kv: linearAttentionState(batch, this.numHeads, this.featureDim(), this.headDim) };
  }

  protected override stepMix(
    q: tf.Tensor4D,
    k: tf.Tensor4D,
    v: tf.Tensor4D,
    state: Readonly<Record<string, tf.Tensor>>,
    position: number,
  ): { out: tf.Tensor4D; tensors: Record<string, tf.Tensor> } {
    const { phiQ, phiK } = this.stepFeatures(q, k, position);
    const { out, state: kv } = linearAttentionStep(phiQ, phiK, v, state['kv'] as tf.Tensor4D, this.eps);
    return { out, tensors: { kv } };
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const { phiQ, phiK } = this.features(q, k, ctx);
    const out = linearAttention(phiQ, phiK, v, {
      causal: this.causal,
      eps: this.eps,
      chunkSize: this.chunkSize,
      keyPaddingMask: ctx.keyPaddingMask,
    }); // [B, H, N, dv]
    return ctx.training && this.dropout > 0 ? (tf.dropout(out, this.dropout, undefined, ctx.seed) as tf.Tensor4D) : out;
  }

  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const { phiQ, phiK } = this.features(q, k, ctx);
    return linearAttentionWeights(phiQ, phiK, { causal: this.causal, eps: this.eps, keyPaddingMask: ctx.keyPaddingMask });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { eps: this.eps, chunkSize: this.chunkSize };
  }
}
