import type * as tf from '@tensorflow/tfjs-core';
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
}
