import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  registerLayerClass,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { softmaxKeyMaps, torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { depthwiseTorch } from '../ops/conv.js';
import { stripePartition, stripeReverse } from '../ops/stripes.js';

type Shape = (number | null)[];

export interface CSwinAttentionConfig extends AttentionConfig {
  /** Stripe width sw (official `split_size`). Default 7. sw ≥ min(grid) (CSwin's last stage): one branch over the whole map. */
  splitSize?: number;
}

/**
 * CSwin's cross-shaped window self-attention with LePE (Dong et al. 2022, Eq. 1–3; official
 * `LePEAttention` run by `CSWinBlock`): half of the heads attend inside vertical stripes
 * (H × sw), the other half inside horizontal stripes (sw × W); in each stripe
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d) V + DWConv3×3(V)      (LePE, zero padding at the stripe border)
 *
 * With sw ≥ min(H, W) there is one branch with all heads over the whole map.
 * Weights: `q`, `k`, `v` (official `qkv`), `out` (`proj`), `lepe{b}/kernel [3, 3, C/branches, 1]`, `lepe{b}/bias`.
 */
export class CSwinAttention extends AttentionLayer {
  static className = 'AttentionZoo>CSwinAttention';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true });

  readonly splitSize: number;
  readonly branches: 1 | 2;

  constructor(config: CSwinAttentionConfig) {
    super(config);
    this.splitSize = config.splitSize ?? 7;
    const [h, w] = this.grid!;
    if (!Number.isInteger(this.splitSize) || this.splitSize < 1) {
      throw new AttentionConfigError(`${this.who}: splitSize must be a positive integer, got ${JSON.stringify(config.splitSize)}`);
    }
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

  protected override buildMixing(_inputShape: Shape): void {
    const c = this.dim / this.branches;
    for (let b = 0; b < this.branches; b++) {
      this.addPathWeight(`lepe${b}/kernel`, [3, 3, c, 1]);
      this.addPathWeight(`lepe${b}/bias`, [c]);
    }
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const [bsz, n] = x.shape;
    const [h, w] = this.grid!;
    const c = this.dim / this.branches;
    const heads = this.numHeads / this.branches;
    const q = this.project('q', x);
    const k = this.project('k', x);
    const v = this.project('v', x);
    const outs: tf.Tensor3D[] = [];
    for (let b = 0; b < this.branches; b++) {
      const [hs, ws] = this.stripe(b);
      const part = (t: tf.Tensor3D) => stripePartition(tf.reshape(tf.slice(t, [0, 0, b * c], [-1, -1, c]), [bsz, h, w, c]) as tf.Tensor4D, hs, ws); // [B·nW, hs·ws, c]
      const qw = part(q);
      const kw = part(k);
      const vw = part(v);
      const logits = tf.mul(tf.matMul(splitHeads(qw, heads), splitHeads(kw, heads), false, true), 1 / Math.sqrt(c / heads));
      let a = tf.softmax(logits) as tf.Tensor4D;
      if (ctx.training && this.dropout > 0) a = tf.dropout(a, this.dropout, undefined, ctx.seed) as tf.Tensor4D;
      const attended = mergeHeads(tf.matMul(a, splitHeads(vw, heads))); // [B·nW, hs·ws, c]
      const vmap = tf.reshape(vw, [-1, hs, ws, c]) as tf.Tensor4D;
      const lepe = depthwiseTorch(vmap, this.weight(`lepe${b}/kernel`).read() as tf.Tensor4D, this.weight(`lepe${b}/bias`).read() as tf.Tensor1D);
      const y = tf.add(attended, tf.reshape(lepe, [-1, hs * ws, c])) as tf.Tensor3D;
      outs.push(tf.reshape(stripeReverse(y, hs, ws, h, w), [bsz, n, c]) as tf.Tensor3D);
    }
    return (outs.length === 1 ? outs[0]! : tf.concat(outs, 2)) as tf.Tensor3D;
  }

  protected override variantConfig(): Record<string, unknown> {
    return { splitSize: this.splitSize };
  }

  /** Official keys (as they sit in `CSWinBlock`): `qkv`, `proj`, `attns.{b}.get_v`. */
  torchKeyMap(): StateDictKeyMap {
    const map: StateDictKeyMap = { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }) };
    for (let b = 0; b < this.branches; b++) {
      map[`attns.${b}.get_v.weight`] = { to: `lepe${b}/kernel`, transform: torch.depthwiseConv2d };
      map[`attns.${b}.get_v.bias`] = `lepe${b}/bias`;
    }
    return map;
  }
}


// Not a registry variant yet: registered for save/load only.
registerLayerClass(CSwinAttention);
