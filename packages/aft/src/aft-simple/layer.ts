import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities, type AttentionConfig } from '@attention-zoo/attention-core';
import { AftLayer } from '../shared/aft-layer.js';
import { aftSimple } from './op.js';

export type AftSimpleConfig = AttentionConfig;

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5): Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K) ⊙ V_t', no position
 * biases, any length, O(T·d). Weights: `q/*`, `k/*`, `v/*`, `out/*`.
 */
export class AftSimple extends AftLayer {
  static className = 'AttentionZoo>AftSimple';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, attentionMap: 'approximate' });

  constructor(config: AftSimpleConfig) {
    super(config);
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftSimple(q, k, v, { causal: this.causal }) as tf.Tensor3D;
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.zeros([1, tokens, tokens]);
  }
}

