import type * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities } from '@attention-zoo/attention-core';
import type { DecodeLayout } from '../shared/decode.js';
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
 * one softmax. O(N·(ℓ + N/ℓ)) memory: O(N√N) at ℓ = √N. Causal decoding keeps every key
 * and value (`incremental: 'cache'`): the strided part reaches back to the start, and which
 * residue mod ℓ a later query needs changes with its position; a step scores the t cached
 * keys and masks all but its ℓ + t/ℓ: O(t·d) per token.
 */
export class StridedAttention extends SparseAttention {
  static className = 'AttentionZoo>StridedAttention';
  static override capabilities = defineCapabilities({ ...SparseAttention.capabilities, incremental: 'cache' });

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

  protected override decodeLayout(): DecodeLayout {
    return { reach: undefined, globals: [], allows: this.allows() };
  }

  protected patternConfig(): Record<string, unknown> {
    return { stride: this.stride };
  }
}
