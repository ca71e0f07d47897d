import * as tf from '@tensorflow/tfjs-core';
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
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true, attentionMap: 'exact', incremental: 'cache' });

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

  /** KV cache: keys and values of every past token, `[batch, heads, t, headDim]`, empty at first. */
  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const empty = (): tf.Tensor4D => tf.zeros([batch, this.numHeads, 0, this.headDim]);
    return { k: empty(), v: empty() };
  }

  /** Eq. 1 for one query over the cached keys and its own: O(t·d) per token, the cache grows by one key and value. */
  protected override stepMix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, cache: Readonly<Record<string, tf.Tensor>>) {
    const keys = tf.concat([cache['k'] as tf.Tensor4D, k], 2); // [B, H, t+1, d]
    const values = tf.concat([cache['v'] as tf.Tensor4D, v], 2); // [B, H, t+1, d]
    const out = scaledDotProductAttention(q, keys, values, { scale: this.scale }); // the newest query sees every cached key: causal by construction
    return { out, tensors: { k: keys, v: values } };
  }

  protected override variantConfig(): Record<string, unknown> {
    return { scale: this.scale };
  }
}
