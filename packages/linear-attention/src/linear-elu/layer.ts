import * as tf from '@tensorflow/tfjs-core';
import type { MixContext } from '@attention-zoo/attention-core';
import { linearAttentionTokensKernel } from '@attention-zoo/attention-core/kernels';
import { eluFeatureMap } from '@attention-zoo/attention-core/ops';
import { KernelizedAttention, type FeaturePair, type KernelizedAttentionConfig } from '../shared/kernelized-layer.js';

export type LinearEluAttentionConfig = KernelizedAttentionConfig;

/**
 * Linear Transformer attention (Katharopoulos et al. 2020, "Transformers are
 * RNNs", Eq. 6–7): φ(x) = elu(x) + 1, out = φ(Q)(φ(K)ᵀV) / φ(Q)Σφ(K).
 * `eps` defaults to 1e-6 (fast-transformers, LRA).
 */
export class LinearEluAttention extends KernelizedAttention {
  static className = 'AttentionZoo>LinearEluAttention';

  constructor(config: LinearEluAttentionConfig) {
    super(config, 1e-6);
  }

  protected override features(q: tf.Tensor4D, k: tf.Tensor4D): FeaturePair {
    return { phiQ: eluFeatureMap(q), phiK: eluFeatureMap(k) };
  }

  /**
   * φ = elu + 1 acts element by element, so it commutes with the head split: φ of the projections
   * as they are, then core's linear-attention kernel on tokens-first `[B, N, H·m]` (on wasm it
   * reads the heads in place, no transposes; elsewhere it splits them and runs `mix`'s path).
   */
  protected override mixTokens(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const phiQ = eluFeatureMap(this.project('q', x)); // [B, N, dim]
    const phiK = eluFeatureMap(this.project('k', context)); // [B, M, dim]
    const out = linearAttentionTokensKernel(phiQ, phiK, this.project('v', context), this.numHeads, {
      causal: this.causal,
      eps: this.eps,
      chunkSize: this.chunkSize,
      keyPaddingMask: ctx.keyPaddingMask,
    }); // [B, N, dim]
    return ctx.training && this.dropout > 0 ? (tf.dropout(out, this.dropout, undefined, ctx.seed) as tf.Tensor3D) : out;
  }
}
