import type * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities } from '@attention-zoo/attention-core';
import type { DecodeLayout } from '../shared/decode.js';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { checkInt } from '../shared/checks.js';
import { slidingWindowAttention } from './op.js';

export interface LocalAttentionConfig extends SparseAttentionConfig {
  /** Keys within ±radius (causal: the `radius` keys before and the query itself). Default 32. */
  radius?: number;
  /** Attend every `dilation`-th key (keys i ± m·dilation, m ≤ radius). Default 1. */
  dilation?: number;
}

/**
 * Local / sliding-window attention (Beltagy et al. 2020 §3.1; the local head of
 * Child et al. 2019): each token attends the keys within ±radius (causal: the
 * radius before it), optionally dilated. Computed by blocks: O(N·r) memory.
 * Causal decoding (`incremental: 'window'`) keeps the last radius·dilation keys and values.
 */
export class LocalAttention extends SparseAttention {
  static className = 'AttentionZoo>LocalAttention';
  static override capabilities = defineCapabilities({ ...SparseAttention.capabilities, incremental: 'window' });

  readonly radius: number;
  readonly dilation: number;

  constructor(config: LocalAttentionConfig) {
    super(config);
    this.radius = checkInt(this.who, 'radius', config.radius ?? 32, 0);
    this.dilation = checkInt(this.who, 'dilation', config.dilation ?? 1, 1);
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions): tf.Tensor4D {
    return slidingWindowAttention(q, k, v, { ...o, radius: this.radius, dilation: this.dilation, causal: this.causal, scale: this.scale });
  }

  allows(): (i: number, j: number) => boolean {
    const { radius: r, dilation: d } = this;
    return (i, j) => Math.abs(i - j) <= r * d && (i - j) % d === 0;
  }

  protected override decodeLayout(): DecodeLayout {
    return { reach: this.radius * this.dilation, globals: [], allows: this.allows() };
  }

  protected patternConfig(): Record<string, unknown> {
    return { radius: this.radius, dilation: this.dilation };
  }
}
