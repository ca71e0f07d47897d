import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, defineCapabilities } from '@attention-zoo/attention-core';
import { denseBias } from '../shared/position-bias.js';
import { PositionBiasLayer, type PositionBiasConfig } from '../shared/position-bias-layer.js';
import { aftLocal } from './op.js';

export interface AftLocalConfig extends PositionBiasConfig {
  /** Window s: w_{t,t'} is learned where |t − t'| < s and 0 outside. Default 32 (the paper's best on Enwik8, Table 5). */
  windowSize?: number;
}

/**
 * AFT-local (Zhai et al. 2021, Eq. 4): AFT-full with w_{t,t'} kept where |t − t'| < s and 0
 * (not −∞) outside, so far tokens still contribute exp(K_t'). Only the band of w is read.
 * Weights: `q/*`, `k/*`, `v/*`, `out/*`, then `pos/w` (or `pos/u`, `pos/v`).
 */
export class AftLocal extends PositionBiasLayer {
  static className = 'AttentionZoo>AftLocal';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, needsMaxTokens: true, attentionMap: 'approximate' });

  readonly windowSize: number;

  constructor(config: AftLocalConfig) {
    super(config);
    const s = config.windowSize ?? 32;
    if (!Number.isInteger(s) || s < 1) {
      throw new AttentionConfigError(`${this.who}: windowSize s must be an integer ≥ 1 (|t − t'| < s; s = 1 keeps only w_{t,t}), got ${JSON.stringify(config.windowSize)}`);
    }
    this.windowSize = s;
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftLocal(q, k, v, this.positionBias(), { windowSize: this.windowSize, causal: this.causal }) as tf.Tensor3D;
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.tidy(() => {
      const s = this.windowSize;
      const band = tf.linalg.bandPart(tf.ones([tokens, tokens]), s - 1, s - 1); // 1 where |t − t'| < s
      return tf.expandDims(tf.mul(denseBias(this.positionBias(), tokens), band), 0) as tf.Tensor3D;
    });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), windowSize: this.windowSize };
  }
}

