import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { LocalAttention } from '../local/layer.js';
import { LongformerAttention } from '../longformer/layer.js';
import { SparseFixedAttention } from '../sparse-fixed/layer.js';
import { StridedAttention } from '../strided/layer.js';

/** The patterns a head may use: a registry name and that layer's pattern options. */
export type HeadPattern =
  | { pattern: 'local'; radius?: number; dilation?: number }
  | { pattern: 'strided'; stride?: number }
  | { pattern: 'sparse-fixed'; blockSize?: number; summarySize?: number }
  | { pattern: 'longformer'; radius?: number; dilation?: number; globalIndices?: number[] };

const LAYERS = {
  local: LocalAttention,
  strided: StridedAttention,
  'sparse-fixed': SparseFixedAttention,
  longformer: LongformerAttention,
} as const;

export interface MixedSparseAttentionConfig extends SparseAttentionConfig {
  /**
   * One pattern per head, e.g. `[{ pattern: 'local', radius: 8 }, { pattern: 'local', radius: 8 },
   * { pattern: 'strided', stride: 8 }, { pattern: 'longformer', radius: 0, globalIndices: [0] }]`.
   * Heads with the same pattern are computed together. Default: every head `local`.
   */
  headPatterns?: HeadPattern[];
}

interface Group {
  heads: number[];
  layer: SparseAttention;
}

/**
 * Different sparse patterns in different heads (as Sparse Transformer's
 * interleaved local/strided heads, or Longformer's per-head dilation, in one
 * layer): heads are grouped by identical pattern, each group runs its block-sparse
 * op once on its heads, and the outputs are put back in head order. Memory is
 * that of the patterns used.
 */
export class MixedSparseAttention extends SparseAttention {
  static className = 'AttentionZoo>MixedSparseAttention';

  readonly headPatterns: HeadPattern[];
  private readonly groups: Group[];
  /** Position of each head in the concatenation of the groups' outputs. */
  private readonly inverse: number[];

  constructor(config: MixedSparseAttentionConfig) {
    super(config);
    this.headPatterns = (config.headPatterns ?? Array.from({ length: this.numHeads }, () => ({ pattern: 'local' as const }))).map((p) => ({ ...p }));
    if (this.headPatterns.length !== this.numHeads) {
      throw new AttentionConfigError(`${this.who}: headPatterns has ${this.headPatterns.length} entries but there are ${this.numHeads} heads (one pattern per head)`);
    }
    const byKey = new Map<string, number[]>();
    this.headPatterns.forEach((p, h) => {
      if (!p || !(p.pattern in LAYERS)) {
        throw new AttentionConfigError(`${this.who}: head ${h} has pattern ${JSON.stringify(p?.pattern)}; expected one of ${Object.keys(LAYERS).join(', ')}`);
      }
      const key = JSON.stringify(p);
      byKey.set(key, [...(byKey.get(key) ?? []), h]);
    });
    this.groups = [...byKey.values()].map((heads) => {
      const { pattern, ...options } = this.headPatterns[heads[0]!]!;
      const Layer = LAYERS[pattern] as new (c: SparseAttentionConfig & Record<string, unknown>) => SparseAttention;
      // A pattern holder only (never built): headDim 1, this layer's scale and causality.
      const layer = new Layer({ ...options, dim: heads.length, numHeads: heads.length, scale: this.scale, causal: this.causal, name: `${this.name}_${pattern}_${heads.join('_')}` });
      return { heads, layer };
    });
    const order = this.groups.flatMap((g) => g.heads);
    this.inverse = Array.from({ length: this.numHeads }, (_, h) => order.indexOf(h));
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions): tf.Tensor4D {
    if (this.groups.length === 1) return this.groups[0]!.layer.attendPattern(q, k, v, o);
    return tf.tidy(() => {
      const outs = this.groups.map(({ heads, layer }) => {
        const idx = tf.tensor1d(heads, 'int32');
        const pick = (t: tf.Tensor4D) => tf.gather(t, idx, 1) as tf.Tensor4D;
        return layer.attendPattern(pick(q), pick(k), pick(v), o);
      });
      return tf.gather(tf.concat(outs, 1), tf.tensor1d(this.inverse, 'int32'), 1) as tf.Tensor4D;
    });
  }

  allows(tokens: number): (i: number, j: number, head: number) => boolean {
    const perHead: ((i: number, j: number) => boolean)[] = [];
    for (const { heads, layer } of this.groups) {
      const a = layer.allows(tokens);
      heads.forEach((h, t) => (perHead[h] = (i, j) => a(i, j, t)));
    }
    return (i, j, head) => perHead[head]!(i, j);
  }

  protected patternConfig(): Record<string, unknown> {
    return { headPatterns: this.headPatterns };
  }
}
