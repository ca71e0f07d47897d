import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities } from '@attention-zoo/attention-core';
import { biasRow, denseBias } from '../shared/position-bias.js';
import { PositionBiasLayer, type PositionBiasConfig } from '../shared/position-bias-layer.js';
import { aftFull } from './op.js';

export type AftFullConfig = PositionBiasConfig;

/**
 * AFT-full (Zhai et al. 2021, Eq. 2): Y = σ(Q) ⊙ Σ_t' exp(K_t' + w_{t,t'}) V_t' / Σ_t' exp(K_t' + w_{t,t'}),
 * Q, K, V linear projections of x, w learned `[maxTokens, maxTokens]` (or u vᵀ with `factorDim`).
 * Weights: `q/*`, `k/*`, `v/*`, `out/*`, then `pos/w` (or `pos/u`, `pos/v`).
 * Causal decoding (`incremental: 'cache'`): w_{t,t'} pairs every query with every earlier
 * key, so the state is every past K and V (2·t·dim floats at position t) and a token costs
 * O(t·dim), like softmax's KV cache; up to maxTokens (w's size).
 */
export class AftFull extends PositionBiasLayer {
  static className = 'AttentionZoo>AftFull';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, needsMaxTokens: true, attentionMap: 'approximate', incremental: 'cache' });

  constructor(config: AftFullConfig) {
    super(config);
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftFull(q, k, v, this.positionBias(), { causal: this.causal }) as tf.Tensor3D;
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    return { k: tf.zeros([batch, 0, this.dim]), v: tf.zeros([batch, 0, this.dim]) };
  }

  /** Eq. 2 at token t over the cached keys: exp(K_t' + w_{t,t'} − max) per channel, t' ≤ t. */
  protected override aftStep(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>, t: number) {
    const keys = tf.concat([state['k'] as tf.Tensor3D, k], 1); // [B, t+1, C]
    const values = tf.concat([state['v'] as tf.Tensor3D, v], 1);
    const logits = tf.add(keys, tf.reshape(biasRow(this.positionBias(), t, 0, t + 1), [1, t + 1, 1])); // K_t' + w_{t,t'}
    const e = tf.exp(tf.sub(logits, tf.max(logits, 1, true))); // shifted per channel: cancels in the ratio
    const ratio = tf.div(tf.sum(tf.mul(e, values), 1, true), tf.sum(e, 1, true)); // [B, 1, C]
    return { mixed: tf.mul(tf.sigmoid(q), ratio) as tf.Tensor3D, tensors: { k: keys, v: values } };
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.tidy(() => tf.expandDims(denseBias(this.positionBias(), tokens), 0) as tf.Tensor3D);
  }
}

