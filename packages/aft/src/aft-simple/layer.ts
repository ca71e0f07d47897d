import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities, type AttentionConfig } from '@attention-zoo/attention-core';
import { AftLayer } from '../shared/aft-layer.js';
import { addToken, emptySums, type RunningSums } from '../shared/running-sums.js';
import { aftSimple } from './op.js';

export type AftSimpleConfig = AttentionConfig;

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5): Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K) ⊙ V_t', no position
 * biases, any length, O(T·d). Weights: `q/*`, `k/*`, `v/*`, `out/*`. Causal decoding keeps the
 * running-max-rebased sums Σexp(K)V and Σexp(K) per channel: 3·dim floats, constant.
 */
export class AftSimple extends AftLayer {
  static className = 'AttentionZoo>AftSimple';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, attentionMap: 'approximate', incremental: 'recurrent' });

  constructor(config: AftSimpleConfig) {
    super(config);
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftSimple(q, k, v, { causal: this.causal }) as tf.Tensor3D;
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    return { ...emptySums(batch, this.dim) };
  }

  /** Eq. 5, causal: Y_t = σ(Q_t) ⊙ num_t / den_t on the running sums. */
  protected override aftStep(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>) {
    const sums = addToken(state as unknown as RunningSums, k, v);
    return { mixed: tf.mul(tf.sigmoid(q), tf.div(sums.num, sums.den)) as tf.Tensor3D, tensors: { ...sums } };
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.zeros([1, tokens, tokens]);
  }
}

