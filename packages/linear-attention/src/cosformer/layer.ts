import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { KernelizedAttention, type FeaturePair, type KernelizedAttentionConfig } from '../shared/kernelized-layer.js';
import { cosformerFeatureMap, type CosformerActivation } from './op.js';

export interface CosformerAttentionConfig extends KernelizedAttentionConfig {
  /** ψ before the re-weighting: 'relu' (default) or 'elu' (1 + elu), the official `act_fun`. */
  actFun?: CosformerActivation;
}

/**
 * cosFormer attention (Qin et al. 2022): ReLU features with the
 * cos(π/2·(i−j)/M) locality re-weighting, as linear attention on sin/cos
 * features. M is `maxTokens` when configured (needed for causal decoding,
 * where later lengths are unknown), otherwise max(queries, keys) of each call
 * as in the official code.
 */
export class CosformerAttention extends KernelizedAttention {
  static className = 'AttentionZoo>CosformerAttention';

  readonly actFun: CosformerActivation;

  constructor(config: CosformerAttentionConfig) {
    super(config, 1e-6);
    this.actFun = config.actFun ?? 'relu';
    if (this.actFun !== 'relu' && this.actFun !== 'elu') {
      throw new AttentionConfigError(`${this.who}: actFun must be 'relu' or 'elu', got ${JSON.stringify(config.actFun)}`);
    }
  }

  protected override features(q: tf.Tensor4D, k: tf.Tensor4D): FeaturePair {
    const m = this.maxTokens ?? Math.max(q.shape[2], k.shape[2]);
    return { phiQ: cosformerFeatureMap(q, m, this.actFun), phiK: cosformerFeatureMap(k, m, this.actFun) };
  }

  protected override featureDim(): number {
    return 2 * this.headDim; // [ψ·sin, ψ·cos]
  }

  /** The token at `position` gets the angle π/2·(position + 1)/M: decoding needs M fixed by `maxTokens`. */
  protected override stepFeatures(q: tf.Tensor4D, k: tf.Tensor4D, position: number): FeaturePair {
    if (this.maxTokens === undefined) {
      throw new AttentionConfigError(`${this.who}: decoding token by token needs a fixed re-weighting length M: set maxTokens (the official M is each call's length, unknown while decoding)`);
    }
    const m = this.maxTokens;
    return { phiQ: cosformerFeatureMap(q, m, this.actFun, position), phiK: cosformerFeatureMap(k, m, this.actFun, position) };
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), actFun: this.actFun };
  }
}
