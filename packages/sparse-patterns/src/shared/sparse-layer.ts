import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import type { SoftmaxOptions } from '../shared/sources.js';
import { initialSparseState, sparseStep, type DecodeLayout } from './decode.js';

/** The most a decoding window's k/v buffers may take before initialState refuses (1 GiB). */
const MAX_DECODE_BUFFER_BYTES = 2 ** 30;

export interface SparseAttentionConfig extends AttentionConfig {
  /** Logit scale; default headDim^-½. */
  scale?: number;
}

/** What a sparse op receives from its layer besides q, k, v. */
export interface AttendOptions extends SoftmaxOptions {
  keyPaddingMask?: tf.Tensor2D;
}

/**
 * Base of the sparse-pattern layers: the mixing step is a block-sparse op
 * (`attend`), and the pattern itself is also available on the host
 * (`allows(i, j, head)`) for `patternMask` — the picture of who attends whom.
 */
export abstract class SparseAttention extends AttentionLayer {
  /** What a fixed sparse pattern supports; a pattern that differs (e.g. depends on N) overrides it. */
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, attentionMap: 'exact' });

  readonly scale: number;

  constructor(config: SparseAttentionConfig) {
    super(config);
    this.scale = config.scale ?? 1 / Math.sqrt(this.headDim);
    if (!(this.scale > 0 && Number.isFinite(this.scale))) {
      throw new AttentionConfigError(`${this.who}: scale must be a positive finite number, got ${config.scale}`);
    }
  }

  /** The block-sparse op on heads-first q, k, v `[B, H, N, d]`. */
  protected abstract attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: AttendOptions): tf.Tensor4D;

  /**
   * This layer's sparse op with its pattern and options, on heads-first tensors
   * (no projections): lets `MixedSparseAttention` run a pattern on a group of heads.
   */
  attendPattern(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: AttendOptions): tf.Tensor4D {
    return this.attend(q, k, v, options);
  }

  /** The pattern for a sequence of `tokens`: may query i of `head` attend key j? */
  abstract allows(tokens: number): (i: number, j: number, head: number) => boolean;

  /** The variant's own config keys (besides `scale`). */
  protected abstract patternConfig(): Record<string, unknown>;

  /**
   * `[heads, tokens, tokens]` 0/1: which keys each query may attend (1 = may),
   * for visualisation. Built on the host from the pattern's definition, O(N²):
   * small N only. The layer itself never forms it.
   */
  patternMask(tokens: number): tf.Tensor3D {
    const allows = this.allows(tokens);
    const h = this.numHeads;
    const m = new Float32Array(h * tokens * tokens);
    for (let head = 0; head < h; head++) {
      for (let i = 0; i < tokens; i++) {
        for (let j = 0; j < tokens; j++) m[(head * tokens + i) * tokens + j] = allows(i, j, head) && (!this.causal || j <= i) ? 1 : 0;
      }
    }
    return tf.tensor3d(m, [h, tokens, tokens]);
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return this.attend(q, k, v, { keyPaddingMask: ctx.keyPaddingMask, dropout: this.dropout, training: ctx.training, seed: ctx.seed });
  }

  /**
   * The weights the sparse op applies, read off by giving it the identity as
   * values: out = A·I = A. So the map is exactly what the efficient path
   * computes (dense `[B, H, N, N]`: small N only).
   */
  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const [b, h, n] = q.shape;
    const identity = tf.broadcastTo(tf.reshape(tf.eye(n), [1, 1, n, n]), [b, h, n, n]) as tf.Tensor4D;
    return this.attend(q, k, identity, { keyPaddingMask: ctx.keyPaddingMask });
  }

  /** How a causal pattern decodes token by token (variants that declare `incremental`). */
  protected decodeLayout(): DecodeLayout {
    throw new Error(`${this.who}: this pattern has no incremental form`);
  }

  /**
   * The decode layout with its window no wider than the tokens this layer can see: with
   * `maxTokens`, at most maxTokens − 1 past tokens are ever reachable, so a radius of 10⁶
   * keeps a buffer of the sequence, not of the radius.
   */
  private boundedLayout(): DecodeLayout {
    const layout = this.decodeLayout();
    if (layout.reach === undefined || this.maxTokens === undefined) return layout;
    return { ...layout, reach: Math.min(layout.reach, Math.max(this.maxTokens - 1, 0)) };
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const layout = this.boundedLayout();
    // k and v buffers of `reach` tokens, float32: checked before allocating, so a huge window
    // without maxTokens is an error that says how to bound it, not gigabytes of zeros.
    const bytes = 2 * 4 * batch * this.numHeads * (layout.reach ?? 0) * this.headDim;
    if (bytes > MAX_DECODE_BUFFER_BYTES) {
      throw new AttentionConfigError(
        `${this.who}: decoding keeps the last ${layout.reach} tokens' keys and values (its window), ` +
          `${(bytes / 2 ** 30).toFixed(1)} GiB for batch ${batch}; pass maxTokens (the longest sequence you will decode) to bound it, or use a smaller window`,
      );
    }
    return initialSparseState(layout, batch, this.numHeads, this.headDim);
  }

  protected override stepMix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, state: Readonly<Record<string, tf.Tensor>>, position: number) {
    return sparseStep(this.boundedLayout(), q, k, v, state, position, this.scale);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { scale: this.scale, ...this.patternConfig() };
  }
}
