import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError, defineCapabilities, type MixContext } from '@attention-zoo/attention-core';
import { dense, mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import type { DecodeLayout } from '../shared/decode.js';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { checkInt } from '../shared/checks.js';
import { headDilations, longformerAttention } from './op.js';

export interface LongformerAttentionConfig extends SparseAttentionConfig {
  /** Sliding window: keys within ±radius·dilation. Default 32 (the paper's models use 256). */
  radius?: number;
  /** Window dilation: one number, or one per head (the paper dilates some heads only). Default 1. */
  dilation?: number | number[];
  /** Positions with global attention; negatives count from the end (−1 = last token). Default [0] (a CLS token). */
  globalIndices?: number[];
  /** Learned special tokens prepended as extra global tokens (ETC / BigBird-ETC style), dropped from the output. Default 0. */
  numGlobalTokens?: number;
  /** Separate Q_g, K_g, V_g projections for the global rows (paper §3.1). Default false. */
  globalProjections?: boolean;
}

/**
 * Longformer attention (Beltagy et al. 2020 §3.1): a sliding window (dilation
 * per head optional) plus symmetric global attention on chosen positions and
 * optional added special tokens; one softmax per query over its window and the
 * global keys. O(N·(r + g)) memory. Causal decoding (`incremental: 'window'`): a buffer of
 * L = max(radius·dilation, last global position) keys and values — widened to the last global
 * position because a global query sees every earlier key — plus each global token's key and
 * value once it leaves the buffer: O((L + g)·d) per token, constant. Needs non-negative
 * `globalIndices` (a position from the end is unknown while decoding), no added global
 * tokens and no global projections.
 */
export class LongformerAttention extends SparseAttention {
  static className = 'AttentionZoo>LongformerAttention';
  static override capabilities = defineCapabilities({ ...SparseAttention.capabilities, incremental: 'window' });

  readonly radius: number;
  readonly dilation: number | number[];
  readonly globalIndices: number[];
  readonly numGlobalTokens: number;
  readonly globalProjections: boolean;
  private readonly dilations: number[];

  constructor(config: LongformerAttentionConfig) {
    super(config);
    this.radius = checkInt(this.who, 'radius', config.radius ?? 32, 0);
    this.dilation = config.dilation ?? 1;
    this.dilations = headDilations(this.who, this.dilation, this.numHeads);
    this.globalIndices = [...(config.globalIndices ?? [0])];
    for (const i of this.globalIndices) {
      if (!Number.isInteger(i)) throw new AttentionConfigError(`${this.who}: globalIndices must be integers, got ${JSON.stringify(config.globalIndices)}`);
    }
    this.numGlobalTokens = checkInt(this.who, 'numGlobalTokens', config.numGlobalTokens ?? 0, 0);
    this.globalProjections = config.globalProjections ?? false;
  }

  protected override buildMixing(): void {
    const d = this.dim;
    if (this.numGlobalTokens > 0) {
      this.addPathWeight('global/tokens', [this.numGlobalTokens, d], (seed) => initializers.truncatedNormal({ stddev: 0.02, seed }));
    }
    if (this.globalProjections) {
      for (const p of ['q', 'k', 'v']) {
        this.addPathWeight(`global/${p}/kernel`, [d, d]);
        if (this.qkvBias) this.addPathWeight(`global/${p}/bias`, [d]);
      }
    }
  }

  /** Global positions in a sequence of `n` input tokens (after any added tokens, which come first). */
  globalPositions(n: number): number[] {
    const g = this.numGlobalTokens;
    const given = this.globalIndices.map((i) => {
      if (i >= n || i < -n) {
        throw new AttentionInputError(`${this.who}: global index ${i} is out of range for ${n} tokens (valid: −${n} … ${n - 1})`);
      }
      return (i < 0 ? n + i : i) + g;
    });
    return [...Array.from({ length: g }, (_, t) => t), ...given];
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions, global?: { q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D }): tf.Tensor4D {
    const n = q.shape[2] - this.numGlobalTokens;
    return longformerAttention(q, k, v, {
      ...o,
      radius: this.radius,
      dilation: this.dilations,
      globalIndices: this.globalPositions(n),
      causal: this.causal,
      scale: this.scale,
      global,
    });
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const [b, n] = x.shape;
    const g = this.numGlobalTokens;
    const xx = g > 0 ? (tf.concat([tf.tile(tf.expandDims(this.weight('global/tokens').read(), 0), [b, 1, 1]), x], 1) as tf.Tensor3D) : x;
    const mask = ctx.keyPaddingMask && g > 0 ? (tf.concat([tf.ones([b, g]), ctx.keyPaddingMask], 1) as tf.Tensor2D) : ctx.keyPaddingMask;
    const { q, k, v } = this.projectHeads(xx, xx);
    const proj = (p: string) =>
      splitHeads(dense(xx, this.weight(`global/${p}/kernel`).read() as tf.Tensor2D, this.qkvBias ? (this.weight(`global/${p}/bias`).read() as tf.Tensor1D) : undefined) as tf.Tensor3D, this.numHeads);
    const global = this.globalProjections ? { q: proj('q'), k: proj('k'), v: proj('v') } : undefined;
    const out = mergeHeads(this.attend(q, k, v, { keyPaddingMask: mask, dropout: this.dropout, training: ctx.training, seed: ctx.seed }, global));
    return g > 0 ? (tf.slice(out, [0, g, 0], [b, n, this.dim]) as tf.Tensor3D) : out;
  }

  protected override computeAttentionMap(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor4D {
    if (this.numGlobalTokens > 0 || this.globalProjections) {
      throw new Error(`${this.who}: attentionMap covers the input tokens with one set of values; it is not defined with numGlobalTokens > 0 or globalProjections`);
    }
    return super.computeAttentionMap(x, context, ctx);
  }

  allows(tokens: number): (i: number, j: number, head: number) => boolean {
    const G = new Set(this.globalPositions(tokens).map((p) => p - this.numGlobalTokens).filter((p) => p >= 0));
    const r = this.radius;
    return (i, j, head) => {
      const d = this.dilations[head]!;
      return G.has(i) || G.has(j) || (Math.abs(i - j) <= r * d && (i - j) % d === 0);
    };
  }

  protected override decodeLayout(): DecodeLayout {
    if (this.numGlobalTokens > 0 || this.globalProjections || this.globalIndices.some((i) => i < 0)) {
      throw new AttentionConfigError(
        `${this.who}: decoding token by token needs globalIndices ≥ 0 (a position from the end is unknown while decoding), numGlobalTokens 0 and globalProjections false`,
      );
    }
    const g = [...new Set(this.globalIndices)].sort((a, b) => a - b);
    const reach = Math.max(this.radius * Math.max(...this.dilations), ...g);
    const G = new Set(g);
    return {
      reach,
      globals: g,
      allows: (i, j, head) => {
        const d = this.dilations[head]!;
        return G.has(i) || G.has(j) || (Math.abs(i - j) <= this.radius * d && (i - j) % d === 0);
      },
    };
  }

  protected patternConfig(): Record<string, unknown> {
    return {
      radius: this.radius,
      dilation: this.dilation,
      globalIndices: this.globalIndices,
      numGlobalTokens: this.numGlobalTokens,
      globalProjections: this.globalProjections,
    };
  }
}
