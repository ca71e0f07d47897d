import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { checkInt } from '../shared/checks.js';
import { fixedAttention } from './op.js';

export interface SparseFixedAttentionConfig extends SparseAttentionConfig {
  /** ℓ: block length. Default 128 (the paper uses 128 or 256). */
  blockSize?: number;
  /** c: summary positions at the end of each block (the paper uses 8, 16 or 32). Default 8. */
  summarySize?: number;
}

/**
 * Sparse Transformer fixed attention (Child et al. 2019 §4.3): attend your own
 * block of ℓ and the last c "summary" positions of every (earlier, when causal)
 * block, one softmax. O(N·(ℓ + c·N/ℓ)) memory.
 */
export class SparseFixedAttention extends SparseAttention {
  static className = 'AttentionZoo>SparseFixedAttention';

  readonly blockSize: number;
  readonly summarySize: number;

  constructor(config: SparseFixedAttentionConfig) {
    super(config);
    this.blockSize = checkInt(this.who, 'blockSize', config.blockSize ?? 128, 1);
    this.summarySize = checkInt(this.who, 'summarySize', config.summarySize ?? 8, 1);
    if (this.summarySize > this.blockSize) {
      throw new AttentionConfigError(`${this.who}: summarySize ${this.summarySize} must not exceed blockSize ${this.blockSize}`);
    }
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions): tf.Tensor4D {
    return fixedAttention(q, k, v, { ...o, blockSize: this.blockSize, summarySize: this.summarySize, causal: this.causal, scale: this.scale });
  }

  allows(): (i: number, j: number) => boolean {
    const { blockSize: l, summarySize: c } = this;
    return (i, j) => Math.floor(i / l) === Math.floor(j / l) || j % l >= l - c;
  }

  protected patternConfig(): Record<string, unknown> {
    return { blockSize: this.blockSize, summarySize: this.summarySize };
  }
}
