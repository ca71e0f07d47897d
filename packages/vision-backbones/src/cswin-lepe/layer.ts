import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionLayer, defineCapabilities, type AttentionConfig, type MixContext } from '@attention-zoo/attention-core';
import { tilingSide } from '../shared/tiling-side.js';
import { stripeAttention } from './op.js';

/** CSwin's stripe width of its last stages (official `split_size`). */
export const CSWIN_SPLIT = 7;

export interface CSwinAttentionConfig extends AttentionConfig {
  /**
   * Stripe width sw (official `split_size`); sw ≥ min(grid) (CSwin's last stage): one branch over the
   * whole map. Default 7 where stripes of 7 tile the grid, else the largest width below 7 that does.
   */
  splitSize?: number;
}

/**
 * CSwin's cross-shaped window self-attention with LePE (Dong et al. 2022, Eq. 1–3; official
 * `LePEAttention` run by `CSWinBlock`): half of the heads attend inside vertical stripes
 * (H × sw), the other half inside horizontal stripes (sw × W), each with its LePE term
 * (`stripeAttention`). With sw ≥ min(H, W) there is one branch with all heads over the whole map.
 *
 * Weights: `q`, `k`, `v` (official `qkv`, kept by the block), `out` (`proj`),
 * `lepe{b}/kernel [3, 3, C/branches, 1]`, `lepe{b}/bias`.
 */
export class CSwinAttention extends AttentionLayer {
  static className = 'AttentionZoo>CSwinAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    noKeyPaddingMaskReason: 'its tokens are the H×W patches of an image grid cut into stripes, with a convolutional position term (LePE), so no token is padding',
  });

  readonly splitSize: number;
  readonly branches: 1 | 2;

  constructor(config: CSwinAttentionConfig) {
    super(config);
    const [h, w] = this.grid!;
    this.splitSize = config.splitSize ?? tilingSide([h, w], CSWIN_SPLIT);
    this.branches = this.splitSize >= Math.min(h, w) ? 1 : 2;
    if (this.branches === 2) {
      if (h % this.splitSize !== 0 || w % this.splitSize !== 0) {
        throw new AttentionConfigError(`${this.who}: grid [${h}, ${w}] is not divisible into stripes of width splitSize ${this.splitSize}`);
      }
      if (this.numHeads % 2 !== 0) throw new AttentionConfigError(`${this.who}: two stripe branches need an even numHeads, got ${this.numHeads}`);
    }
  }

  /** Stripe geometry [hs, ws] of branch b (official idx −1: whole map; 0: H × sw; 1: sw × W). */
  stripe(b: number): [number, number] {
    const [h, w] = this.grid!;
    if (this.branches === 1) return [h, w];
    return b === 0 ? [h, this.splitSize] : [this.splitSize, w];
  }

  protected override buildMixing(): void {
    const c = this.dim / this.branches;
    for (let b = 0; b < this.branches; b++) {
      this.addPathWeight(`lepe${b}/kernel`, [3, 3, c, 1]);
      this.addPathWeight(`lepe${b}/bias`, [c]);
    }
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const c = this.dim / this.branches;
    const [q, k, v] = (['q', 'k', 'v'] as const).map((p) => this.project(p, x));
    const branch = (t: tf.Tensor3D, b: number) => tf.slice(t, [0, 0, b * c], [-1, -1, c]) as tf.Tensor3D; // channels of branch b
    const outs: tf.Tensor3D[] = [];
    for (let b = 0; b < this.branches; b++) {
      outs.push(
        stripeAttention(branch(q!, b), branch(k!, b), branch(v!, b), this.grid!, this.stripe(b), {
          numHeads: this.numHeads / this.branches,
          lepeKernel: this.weight(`lepe${b}/kernel`).read() as tf.Tensor4D,
          lepeBias: this.weight(`lepe${b}/bias`).read() as tf.Tensor1D,
          dropout: this.dropout,
          training: ctx.training,
          seed: ctx.seed,
        }),
      );
    }
    return (outs.length === 1 ? outs[0]! : tf.concat(outs, 2)) as tf.Tensor3D; // [B, N, C]
  }

  protected override variantConfig(): Record<string, unknown> {
    return { splitSize: this.splitSize };
  }
}
