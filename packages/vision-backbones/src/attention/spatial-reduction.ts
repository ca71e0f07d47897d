import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  registerLayerClass,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { layerNorm, mergeHeads, scaledDotProductAttention, splitHeads } from '@attention-zoo/attention-core/ops';
import { torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';

type Shape = (number | null)[];

export interface PvtAttentionConfig extends AttentionConfig {
  /** Spatial reduction of K/V (official `sr_ratio`): Conv2d(k = s = srRatio) then LayerNorm. Default 1. */
  srRatio?: number;
}

/**
 * PVT's spatial-reduction attention (Wang et al. 2021, Eq. 3–4; official `Attention` of
 * `pvt.py` / `pvt_v2.py` with `linear=False`):
 *
 *   SRA(Q, K, V) = softmax(Q (SR(K) W_K)ᵀ / √d) (SR(V) W_V),   SR(x) = LayerNorm(Conv_{sr×sr, stride sr}(x))
 *
 * Needs `grid: [H, W]`; class tokens (PVT v1's last stage) are allowed only without reduction.
 * Weights: `q`, `k`, `v` (official `kv`), `out` (`proj`), and with srRatio > 1 `sr/kernel`,
 * `sr/bias`, `norm/gamma`, `norm/beta`.
 */
export class PvtAttention extends AttentionLayer {
  static className = 'AttentionZoo>PvtAttention';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true });

  readonly srRatio: number;

  constructor(config: PvtAttentionConfig) {
    super(config);
    this.srRatio = config.srRatio ?? 1;
    if (!Number.isInteger(this.srRatio) || this.srRatio < 1) {
      throw new AttentionConfigError(`${this.who}: srRatio must be a positive integer, got ${JSON.stringify(config.srRatio)}`);
    }
    const [h, w] = this.grid!;
    if (h % this.srRatio !== 0 || w % this.srRatio !== 0) {
      throw new AttentionConfigError(`${this.who}: grid [${h}, ${w}] is not divisible by srRatio ${this.srRatio}`);
    }
  }

  protected override buildMixing(_inputShape: Shape): void {
    if (this.srRatio > 1) {
      const s = this.srRatio;
      this.addPathWeight('sr/kernel', [s, s, this.dim, this.dim]);
      this.addPathWeight('sr/bias', [this.dim]);
      this.addPathWeight('norm/gamma', [this.dim], 'ones');
      this.addPathWeight('norm/beta', [this.dim], 'zeros');
    }
  }

  /** Tokens outside the grid (class tokens) come first; with srRatio > 1 there may be none. */
  protected override checkGridTokens(tokens: number): void {
    const [h, w] = this.grid!;
    if (tokens < h * w || (this.srRatio > 1 && tokens !== h * w)) super.checkGridTokens(tokens);
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    let xr = x;
    if (this.srRatio > 1) {
      const [b] = x.shape;
      const [h, w] = this.grid!;
      const s = this.srRatio;
      const map = tf.reshape(x, [b, h, w, this.dim]) as tf.Tensor4D;
      const conv = tf.add(tf.conv2d(map, this.weight('sr/kernel').read() as tf.Tensor4D, s, 'valid'), this.weight('sr/bias').read());
      // nn.LayerNorm(dim) inside the attention: PyTorch's default ε 1e-5
      xr = layerNorm(tf.reshape(conv, [b, -1, this.dim]), this.weight('norm/gamma').read() as tf.Tensor1D, this.weight('norm/beta').read() as tf.Tensor1D, 1e-5) as tf.Tensor3D;
    }
    const hds = this.numHeads;
    const q = splitHeads(this.project('q', x), hds);
    const k = splitHeads(this.project('k', xr), hds);
    const v = splitHeads(this.project('v', xr), hds);
    return mergeHeads(scaledDotProductAttention(q, k, v, { dropout: this.dropout, training: ctx.training, seed: ctx.seed }));
  }

  protected override variantConfig(): Record<string, unknown> {
    return { srRatio: this.srRatio };
  }

  /** Official keys: `q`, `kv` (rows k then v), `proj`, and `sr`, `norm` when srRatio > 1. */
  torchKeyMap(): StateDictKeyMap {
    return {
      'q.weight': { to: 'q/kernel', transform: torch.linear },
      'kv.weight': { to: ['k/kernel', 'v/kernel'], transform: torch.linearSplit(2) },
      ...(this.qkvBias ? { 'q.bias': 'q/bias', 'kv.bias': { to: ['k/bias', 'v/bias'], transform: torch.split(2) } } : {}),
      'proj.weight': { to: 'out/kernel', transform: torch.linear },
      'proj.bias': 'out/bias',
      ...(this.srRatio > 1
        ? { 'sr.weight': { to: 'sr/kernel', transform: torch.conv2d }, 'sr.bias': 'sr/bias', 'norm.weight': 'norm/gamma', 'norm.bias': 'norm/beta' }
        : {}),
    };
  }
}


// Not a registry variant yet: registered for save/load only.
registerLayerClass(PvtAttention);
