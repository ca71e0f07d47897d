import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { hydraAttention, hydraStep } from './op.js';

export type HydraAttentionConfig = AttentionConfig;

/**
 * Hydra attention (Bolya et al. 2022): H = D heads with the cosine kernel,
 * out = φ(Q) ⊙ Σ_t φ(K)_t ⊙ V_t. Every channel is its own head, so `numHeads`
 * does not change the computation (it only has to divide `dim`). No map of
 * `numHeads` heads exists (each channel weighs the tokens differently), so
 * `attentionMap` is not defined; `hydraAttentionWeights` gives the per-channel maps.
 * Decoding token by token keeps the running sum `[B, 1, D]` (`hydraStep`).
 */
export class HydraAttention extends AttentionLayer {
  static className = 'AttentionZoo>HydraAttention';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true, incremental: 'recurrent' });

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    return { sum: tf.zeros([batch, 1, this.dim]) };
  }

  protected override stepTokens(x: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>) {
    const { out, sum } = hydraStep(this.project('q', x), this.project('k', x), this.project('v', x), state['sum'] as tf.Tensor3D);
    return { mixed: out, tensors: { sum } };
  }

  protected override mixTokens(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const out = hydraAttention(this.project('q', x), this.project('k', context), this.project('v', context), {
      causal: this.causal,
      keyPaddingMask: ctx.keyPaddingMask,
    }); // [B, N, D]
    return ctx.training && this.dropout > 0 ? (tf.dropout(out, this.dropout, undefined, ctx.seed) as tf.Tensor3D) : out;
  }
}
