import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { checkInt } from '../shared/checks.js';
import { sinkhornAttention } from './op.js';

export interface SinkhornAttentionConfig extends AttentionConfig {
  /** b: tokens per block; N must be a multiple. Default 16. */
  blockSize?: number;
  /** Sinkhorn iterations. Default 8. */
  sinkhornIterations?: number;
  /** τ of the sorting logits. Default 0.75. */
  temperature?: number;
  /** Attention logit scale; default headDim^-½. */
  scale?: number;
}

/**
 * Sparse Sinkhorn attention (Tay et al. 2020): a learned sorting network
 * softly permutes the key/value blocks (Sinkhorn-balanced, Gumbel noise in
 * training), and each query block attends its sorted block plus its own block.
 * Weights: q/k/v/out and `sort/kernel` `[headDim, headDim]` (shared by the heads).
 * O(N·b + (N/b)²) memory.
 * No incremental form (no `step`): blocks are sorted by a summary of the whole block, which
 * exists only once its last token has arrived.
 */
export class SinkhornAttention extends AttentionLayer {
  static className = 'AttentionZoo>SinkhornAttention';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, variableLength: false, attentionMap: 'exact' });

  readonly blockSize: number;
  readonly sinkhornIterations: number;
  readonly temperature: number;
  readonly scale: number;

  constructor(config: SinkhornAttentionConfig) {
    super(config);
    this.blockSize = checkInt(this.who, 'blockSize', config.blockSize ?? 16, 1);
    this.sinkhornIterations = checkInt(this.who, 'sinkhornIterations', config.sinkhornIterations ?? 8, 0);
    this.temperature = config.temperature ?? 0.75;
    if (!(this.temperature > 0 && Number.isFinite(this.temperature))) throw new AttentionConfigError(`${this.who}: temperature must be a positive finite number, got ${config.temperature}`);
    this.scale = config.scale ?? 1 / Math.sqrt(this.headDim);
    if (!(this.scale > 0 && Number.isFinite(this.scale))) throw new AttentionConfigError(`${this.who}: scale must be a positive finite number, got ${config.scale}`);
  }

  protected override buildMixing(): void {
    this.addPathWeight('sort/kernel', [this.headDim, this.headDim], 'glorotUniform');
  }

  private attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext, train: boolean): tf.Tensor4D {
    return sinkhornAttention(q, k, v, {
      blockSize: this.blockSize,
      iterations: this.sinkhornIterations,
      temperature: this.temperature,
      sortKernel: this.weight('sort/kernel').read() as tf.Tensor2D,
      scale: this.scale,
      keyPaddingMask: ctx.keyPaddingMask,
      causal: this.causal,
      ...(train ? { dropout: this.dropout, training: ctx.training, seed: ctx.seed } : {}),
    });
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return this.attend(q, k, v, ctx, true);
  }

  /** The weights the sorted-block computation applies, read off with the identity as values (small N only). */
  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const [b, h, n] = q.shape;
    const identity = tf.broadcastTo(tf.reshape(tf.eye(n), [1, 1, n, n]), [b, h, n, n]) as tf.Tensor4D;
    return this.attend(q, k, identity, ctx, false);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { blockSize: this.blockSize, sinkhornIterations: this.sinkhornIterations, temperature: this.temperature, scale: this.scale };
  }
}
