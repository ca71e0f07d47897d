import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities } from '@attention-zoo/attention-core';
import { denseBias } from '../shared/position-bias.js';
import { PositionBiasLayer, type PositionBiasConfig } from '../shared/position-bias-layer.js';
import { aftFull } from './op.js';

export type AftFullConfig = PositionBiasConfig;

/**
 * AFT-full (Zhai et al. 2021, Eq. 2): Y = σ(Q) ⊙ Σ_t' exp(K_t' + w_{t,t'}) V_t' / Σ_t' exp(K_t' + w_{t,t'}),
 * Q, K, V linear projections of x, w learned `[maxTokens, maxTokens]` (or u vᵀ with `factorDim`).
 * Weights: `q/*`, `k/*`, `v/*`, `out/*`, then `pos/w` (or `pos/u`, `pos/v`).
 */
export class AftFull extends PositionBiasLayer {
  static className = 'AttentionZoo>AftFull';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, needsMaxTokens: true, attentionMap: 'approximate' });

  constructor(config: AftFullConfig) {
    super(config);
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftFull(q, k, v, this.positionBias(), { causal: this.causal }) as tf.Tensor3D;
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.tidy(() => tf.expandDims(denseBias(this.positionBias(), tokens), 0) as tf.Tensor3D);
  }
}

