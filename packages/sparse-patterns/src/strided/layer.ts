import type * as tf from '@tensorflow/tfjs-core';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { checkInt } from '../shared/checks.js';
import { stridedAttention } from './op.js';

export interface StridedAttentionConfig extends SparseAttentionConfig {
  /** ℓ, ideally ≈ √N: the local part reaches ℓ keys, the strided part every ℓ-th key. Default 32. */
  stride?: number;
}

/**
 * Sparse Transformer strided attention (Child et al. 2019 §4.2): the union of
 * a local band of ℓ and every ℓ-th earlier key (non-causal: both directions),
 * one softmax. O(N·(ℓ + N/ℓ)) memory: O(N√N) at ℓ = √N.
 */
export class StridedAttention extends SparseAttention {
  static className = 'AttentionZoo>StridedAttention';

  readonly stride: number;

  constructor(config: StridedAttentionConfig) {
    super(config);
    this.stride = checkInt(this.who, 'stride', config.stride ?? 32, 1);
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions): tf.Tensor4D {
    return stridedAttention(q, k, v, { ...o, stride: this.stride, causal: this.causal, scale: this.scale });
  }

  allows(): (i: number, j: number) => boolean {
    const l = this.stride;
    return (i, j) => Math.abs(i - j) <= l || (i - j) % l === 0;
  }

  protected patternConfig(): Record<string, unknown> {
    return { stride: this.stride };
  }
}
