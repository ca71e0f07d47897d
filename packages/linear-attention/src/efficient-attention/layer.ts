import * as tf from '@tensorflow/tfjs-core';
import type { MixContext } from '@attention-zoo/attention-core';
import { KernelizedAttention, type FeaturePair, type KernelizedAttentionConfig } from '../shared/kernelized-layer.js';
import { efficientAttentionFeatures, efficientAttentionStep } from './op.js';

export type EfficientAttentionConfig = KernelizedAttentionConfig;

/**
 * Efficient Attention (Shen et al. 2021): ρ_q(Q)(ρ_k(K)ᵀV) with a softmax of
 * each query over its features and of each key feature over positions.
 * Unlike the official module this layer adds no residual (blocks add it).
 * Decoding token by token keeps ρ_k's running sums rebased on a running max
 * (`efficientAttentionStep`): constant memory.
 */
export class EfficientAttention extends KernelizedAttention {
  static className = 'AttentionZoo>EfficientAttention';

  constructor(config: EfficientAttentionConfig) {
    super(config, 1e-6);
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const [h, d] = [this.numHeads, this.headDim];
    return { s: tf.zeros([batch, h, d, d]), z: tf.zeros([batch, h, 1, d]), m: tf.fill([batch, h, 1, d], -1e30) };
  }

  protected override stepMix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, state: Readonly<Record<string, tf.Tensor>>) {
    const { out, ...tensors } = efficientAttentionStep(q, k, v, state as { s: tf.Tensor4D; z: tf.Tensor4D; m: tf.Tensor4D }, this.eps);
    return { out, tensors };
  }

  protected override features(q: tf.Tensor4D, k: tf.Tensor4D, ctx: Pick<MixContext, 'keyPaddingMask'>): FeaturePair {
    return efficientAttentionFeatures(q, k, { causal: this.causal, keyPaddingMask: ctx.keyPaddingMask });
  }
}
