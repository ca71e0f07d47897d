import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError, AttentionLayer, defineCapabilities, type AttentionConfig, type MixContext } from '@attention-zoo/attention-core';
import { mergeHeads, scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { linearSpatialReduction, reducedKeyPaddingMask, spatialReduction, type Reduction, type SpatialReductionWeights } from './op.js';

type Shape = (number | null)[];

export interface SpatialReductionAttentionConfig extends AttentionConfig {
  /** Reduction ratio R of the key/value grid (PVT's `sr_ratio`; stages use 8, 4, 2, 1). Default 2. 1 = plain softmax attention. */
  srRatio?: number;
  /** PVTv2 linear SRA: adaptive average pooling to `poolSize`² keys, 1×1 conv, LayerNorm, GELU. Default false. */
  linear?: boolean;
  /** Pooled grid side for `linear`; default 7 (PVTv2). */
  poolSize?: number;
  /** LayerNorm ε; default 1e-5 (PyTorch's). */
  layerNormEpsilon?: number;
}

/**
 * PVT spatial-reduction attention (Wang et al. 2021, Eq. 3–4; official `Attention` of
 * `pvt.py` / `pvt_v2.py`): queries from every token, keys and values from the grid reduced
 * by a stride-R conv + LayerNorm, so the attention matrix is N × N/R². With `linear: true`,
 * PVTv2's linear SRA: keys and values from a fixed P×P pooled grid (N × P²).
 *
 * Class tokens (PVT v1's last stage) may precede the grid tokens when nothing is reduced
 * (`srRatio: 1`, not `linear`), as in the official code. Weights: `q`, `k`, `v` (PVT's `kv`
 * split in two), `out` (`proj`), and when reducing `sr/kernel` `[R, R, C, C]`, `sr/bias`,
 * `norm/gamma`, `norm/beta`.
 *
 * Key-padding mask `[B, N]` (1 = real token): padded tokens are zeroed before the reduction
 * and each reduced cell is renormalised by its real count (a partial conv; the linear form's
 * pool becomes a masked average), so no padded token enters a reduced key; a reduced key
 * with no real token is itself masked out of the softmax. Without reduction (R = 1) the mask
 * is the softmax's key-padding mask, class tokens included.
 */
export class SpatialReductionAttention extends AttentionLayer {
  static className = 'AttentionZoo>SpatialReductionAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    classTokens: true,
    keyPaddingMask: true,
  });

  readonly srRatio: number;
  readonly linear: boolean;
  readonly poolSize: number;
  readonly layerNormEpsilon: number;

  constructor(config: SpatialReductionAttentionConfig) {
    super(config);
    this.srRatio = config.srRatio ?? 2;
    this.linear = config.linear ?? false;
    this.poolSize = config.poolSize ?? 7;
    this.layerNormEpsilon = config.layerNormEpsilon ?? 1e-5;
    const [h, w] = this.grid!;
    if (!this.linear && (this.srRatio > h || this.srRatio > w)) {
      throw new AttentionConfigError(`${this.who}: srRatio ${this.srRatio} is larger than the grid [${h}, ${w}]: the strided conv would leave no key`);
    }
  }

  /** Whether keys and values come from a reduced grid (srRatio > 1 or `linear`). */
  get reduces(): boolean {
    return this.linear || this.srRatio > 1;
  }

  /** Refuses class tokens with a reduction when the layer is built (a backbone builds its blocks before any call). */
  override build(inputShape: Shape | Shape[]): void {
    const tokens = ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape)[1];
    const [h, w] = this.grid!;
    if (this.reduces && tokens != null && tokens > h * w) {
      throw new AttentionConfigError(
        `${this.who}: ${tokens - h * w} class token(s) before the grid [${h}, ${w}] need srRatio 1 and linear false (the reduction convolves the grid only); got ${this.linear ? 'linear: true' : `srRatio ${this.srRatio}`}`,
      );
    }
    super.build(inputShape);
  }

  protected override buildMixing(): void {
    if (!this.reduces) return;
    const [c, r] = [this.dim, this.linear ? 1 : this.srRatio];
    this.addPathWeight('sr/kernel', [r, r, c, c]);
    this.addPathWeight('sr/bias', [c]);
    this.addPathWeight('norm/gamma', [c], 'ones');
    this.addPathWeight('norm/beta', [c], 'zeros');
  }

  /** Class tokens are taken only without reduction (see `buildMixing`). */
  protected override checkGridTokens(tokens: number): void {
    const [h, w] = this.grid!;
    if (this.reduces && tokens > h * w) {
      throw new AttentionInputError(`${this.who}: input has ${tokens} tokens but grid [${h}, ${w}] holds ${h * w}; class tokens need srRatio 1 and linear false`);
    }
    super.checkGridTokens(tokens);
  }

  /** The reduction in use, for the mask helpers. */
  private get reduction(): Reduction {
    return this.linear ? { poolSize: this.poolSize } : { srRatio: this.srRatio };
  }

  /**
   * The key/value tokens: the reduced grid (or x itself when R = 1). With `mask` `[B, N]`
   * (float 0/1) the reduction skips padded tokens (see `spatialReduction`).
   */
  protected reduce(x: tf.Tensor3D, mask?: tf.Tensor2D): tf.Tensor3D {
    if (!this.reduces) return x;
    const w: SpatialReductionWeights = {
      kernel: this.weight('sr/kernel').read() as tf.Tensor4D,
      bias: this.weight('sr/bias').read() as tf.Tensor1D,
      gamma: this.weight('norm/gamma').read() as tf.Tensor1D,
      beta: this.weight('norm/beta').read() as tf.Tensor1D,
      epsilon: this.layerNormEpsilon,
    };
    const options = { keyPaddingMask: mask };
    return this.linear ? linearSpatialReduction(x, this.grid!, this.poolSize, w, options) : spatialReduction(x, this.grid!, w, options);
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const mask = ctx.keyPaddingMask; // [B, N] float 0/1 over the input tokens
    const kv = this.reduce(x, mask); // [B, N', C]
    // The softmax drops reduced keys that hold no real token (or, unreduced, the padded tokens themselves).
    const keyMask = mask && (this.reduces ? reducedKeyPaddingMask(mask, this.grid!, this.reduction) : mask);
    const { q, k, v } = this.projectHeads(x, kv);
    const y = scaledDotProductAttention(q, k, v, { keyPaddingMask: keyMask, dropout: this.dropout, training: ctx.training, seed: ctx.seed }); // [B, H, N, dh]
    return mergeHeads(y);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { srRatio: this.srRatio, linear: this.linear, poolSize: this.poolSize, layerNormEpsilon: this.layerNormEpsilon };
  }
}
