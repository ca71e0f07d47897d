import type * as tf from '@tensorflow/tfjs-core';
import type { MixContext } from '@attention-zoo/attention-core';
import { KernelizedAttention, type FeaturePair, type KernelizedAttentionConfig } from '../shared/kernelized-layer.js';
import { efficientAttentionFeatures } from './op.js';

export type EfficientAttentionConfig = KernelizedAttentionConfig;

/**
 * Efficient Attention (Shen et al. 2021): ρ_q(Q)(ρ_k(K)ᵀV) with a softmax of
 * each query over its features and of each key feature over positions.
 * Unlike the official module this layer adds no residual (blocks add it).
 */
export class EfficientAttention extends KernelizedAttention {
  static className = 'AttentionZoo>EfficientAttention';

  constructor(config: EfficientAttentionConfig) {
    super(config, 1e-6);
  }

  protected override features(q: tf.Tensor4D, k: tf.Tensor4D, ctx: Pick<MixContext, 'keyPaddingMask'>): FeaturePair {
    return efficientAttentionFeatures(q, k, { causal: this.causal, keyPaddingMask: ctx.keyPaddingMask });
  }
}
