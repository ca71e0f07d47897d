import type * as tf from '@tensorflow/tfjs-core';
import { AttentionLayer, type MixContext } from '../layers/attention-layer.js';
import { defineCapabilities } from '../layers/capabilities.js';
import type { AttentionConfig } from '../layers/config.js';
import { scaledDotProductAttention, softmaxAttentionWeights } from './op.js';

export interface SoftmaxAttentionConfig extends AttentionConfig {
  /** Logit scale (timm's `qk_scale`); default headDim^-½. */
  scale?: number;
}

/** Multi-head scaled dot-product attention (Vaswani et al. 2017): the O(N²) baseline every variant is measured against. */
export class SoftmaxAttention extends AttentionLayer {
  static className = 'AttentionZoo>SoftmaxAttention';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true, attentionMap: 'exact' });

  readonly scale: number;

  constructor(config: SoftmaxAttentionConfig) {
    super(config);
    this.scale = config.scale ?? 1 / Math.sqrt(this.headDim); // range checked by the descriptor's options
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return scaledDotProductAttention(q, k, v, {
      scale: this.scale,
      causal: this.causal,
      keyPaddingMask: ctx.keyPaddingMask,
      dropout: this.dropout,
      training: ctx.training,
      seed: ctx.seed,
    });
  }

  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return softmaxAttentionWeights(q, k, { scale: this.scale, causal: this.causal, keyPaddingMask: ctx.keyPaddingMask });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { scale: this.scale };
  }
}
