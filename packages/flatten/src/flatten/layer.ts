import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities, AttentionConfigError, type MixContext } from '@attention-zoo/attention-core';
import { gelu, keyPaddingReal, layerNorm, linearAttentionState, linearAttentionStep, mergeHeads, patchConv2d, splitHeads } from '@attention-zoo/attention-core/ops';
import { type StateDictKeyMap, torch } from '@attention-zoo/attention-core/weights';
import { adaptiveAvgPool2d } from '../shared/adaptive-pool.js';
import { causalTapsAt } from '../shared/dwc.js';
import { focusedKernel } from '../shared/focusing.js';
import { NORMALISER_EPS } from '../shared/focused-linear.js';
import { FocusedLinearLayer, maskTokens, type FocusedLinearConfig } from '../shared/focused-layer.js';
import { interpolateTokens } from '../shared/interpolate.js';

type Shape = (number | null)[];

/** PVTv2's `linear` mode pools K/V to a fixed 7×7 map (`nn.AdaptiveAvgPool2d(7)` in the official code). */
export const PVT_V2_POOL = 7;

/** LayerNorm ε of the K/V reduction (`nn.LayerNorm(dim)`, PyTorch default). */
const SR_NORM_EPS = 1e-5;

export interface FLattenAttentionConfig extends FocusedLinearConfig {
  /**
   * Spatial reduction of K/V (official `sr_ratio`): a Conv2d with kernel = stride = srRatio,
   * then LayerNorm; V is resized back to N tokens by 1-D linear interpolation before the DWC.
   * Default 1 (every released FLatten-PVT model: `la_sr_ratios` 1111).
   */
  srRatio?: number;
  /** PVTv2's `linear` option: K/V from a 7×7 adaptive average pool → 1×1 conv → LayerNorm → GELU. Default false. */
  linear?: boolean;
}

/**
 * Focused Linear Attention in its PVT / PVTv2 form (official `models/flatten_pvt.py`
 * and `models/flatten_pvt_v2.py`, class `FocusedLinearAttention`, `forward(x, H, W)`):
 *
 *   q = x W_q;  k, v = x' W_kv  (x' = x, or x reduced by `sr` + `norm`)
 *   out = proj( φ_p(q) (φ_p(k + pos)ᵀ v) / (φ_p(q)·Σφ_p(k + pos)) + DWC(v) )   (paper Eq. 4, 6, 12)
 *
 * Needs `grid: [H, W]` (row-major tokens). Weights: `q`, `k`, `v`, `out` projections,
 * `scale [C]`, `positionalEncoding [n, C]`, `dwc/*`, and with srRatio > 1 or `linear`
 * `sr/kernel`, `sr/bias`, `norm/gamma`, `norm/beta`.
 *
 * `causal: true` (an extension beyond the paper; srRatio 1, not `linear`): token i
 * attends to tokens j ≤ i by a chunked prefix sum, and the DWC keeps only kernel
 * taps at or before the centre in raster order. Use `grid: [1, N]` for a sequence.
 * It decodes one token at a time (`incremental: 'recurrent'`): per head the running sums
 * [Σφ(k)vᵀ | Σφ(k)] `[d, d + 1]`, and for the causal DWC the last min(c, H−1)·W + c value
 * tokens (c = kernelSize//2; c tokens on a `[1, N]` grid): constant memory, up to H·W tokens
 * (the positional encoding has one row per grid position).
 *
 * Key-padding mask `[B, N]` (1 = real token): padded keys leave φ(K)ᵀV and its normaliser,
 * and padded tokens' values are zeroed before the DWC. With srRatio > 1 or `linear` the
 * reduction skips padded tokens (a partial conv; `linear`: a masked average per bin), and a
 * reduced key holding no real token is padding itself. The grid stays fixed: padding is a
 * region of the grid (e.g. the last rows of a `[1, N]` sequence), not a shorter input.
 */
export class FLattenAttention extends FocusedLinearLayer {
  static className = 'AttentionZoo>FLattenAttention';
  static override capabilities = defineCapabilities({
    causal: true,
    variableLength: false,
    needsGrid: true,
    attentionMap: 'approximate',
    incremental: 'recurrent',
    keyPaddingMask: true,
  });

  readonly srRatio: number;
  readonly linear: boolean;

  constructor(config: FLattenAttentionConfig) {
    super(config);
    this.srRatio = config.srRatio ?? 1;
    this.linear = config.linear ?? false;
    const [h, w] = this.grid!;
    if (this.srRatio > h || this.srRatio > w) {
      throw new AttentionConfigError(`${this.who}: srRatio ${this.srRatio} is larger than the grid [${h}, ${w}]`);
    }
    if (this.causal && (this.srRatio > 1 || this.linear)) {
      throw new AttentionConfigError(`${this.who}: causal: true needs srRatio 1 and linear false (a reduced K/V mixes later tokens into every key)`);
    }
  }

  /** Key/value tokens: N, (H/sr)·(W/sr) with srRatio > 1, or 7·7 with `linear`. */
  keyTokens(): number {
    const [h, w] = this.grid!;
    if (this.linear) return PVT_V2_POOL * PVT_V2_POOL;
    return Math.floor(h / this.srRatio) * Math.floor(w / this.srRatio);
  }

  protected override positionalTokens(): number {
    return this.keyTokens();
  }

  protected override positionalDescription(): string {
    const how = this.linear ? `, linear (7×7 pooled K/V)` : this.srRatio > 1 ? `, srRatio ${this.srRatio}` : '';
    return `grid [${this.grid!.join(', ')}]${how}`;
  }

  protected override buildMixing(inputShape: Shape): void {
    super.buildMixing(inputShape);
    const c = this.dim;
    if (this.srRatio > 1 || this.linear) {
      const s = this.linear ? 1 : this.srRatio;
      this.addPathWeight('sr/kernel', [s, s, c, c]);
      this.addPathWeight('sr/bias', [c]);
      this.addPathWeight('norm/gamma', [c], 'ones');
      this.addPathWeight('norm/beta', [c], 'zeros');
    }
  }

  /**
   * x' of the K/V path, `[B, n, C]`: x, or the spatially reduced map. With a key-padding
   * mask `[B, N]` (float 0/1) no padded token enters a reduced key: they are zeroed, the `sr`
   * conv is a partial convolution (Liu et al. 2018, Eq. 1: Wᵀ(X ⊙ M)·sr²/ΣM + b, i.e. each
   * patch rescaled to its real tokens), and the `linear` pool a masked average (Σ_real x / #real
   * per bin). Returns the reduced keys' mask too: a reduced key is real when at least one real
   * token fell into its patch or bin.
   */
  private reduce(x: tf.Tensor3D, mask?: tf.Tensor2D): { xr: tf.Tensor3D; keyMask?: tf.Tensor2D } {
    if (this.srRatio === 1 && !this.linear) return { xr: x, keyMask: mask };
    const [b] = x.shape;
    const [h, w] = this.grid!;
    const c = this.dim;
    let map = tf.reshape(maskTokens(x, mask), [b, h, w, c]) as tf.Tensor4D; // tokens row-major = NHWC
    // Fraction of real tokens per reduced cell, [B, h', w', 1]: over the sr×sr patch (stride sr, 'valid' as the conv), or the pool bin.
    const m = mask && (tf.reshape(mask, [b, h, w, 1]) as tf.Tensor4D);
    const frac = m && (this.linear ? adaptiveAvgPool2d(m, PVT_V2_POOL) : tf.avgPool(m, this.srRatio, this.srRatio, 'valid'));
    if (this.linear) map = adaptiveAvgPool2d(map, PVT_V2_POOL); // [B, 7, 7, C]
    if (frac && this.linear) map = tf.div(map, tf.maximum(frac, 1e-12)) as tf.Tensor4D; // avg(x·m)/avg(m); an all-padded bin stays 0
    let conv: tf.Tensor = patchConv2d(map, this.read('sr/kernel') as tf.Tensor4D); // stride = kernel = sr_ratio (1 for linear): [B, H/s, W/s, C]
    if (frac && !this.linear) conv = tf.div(conv, tf.maximum(frac, 1e-12)); // · sr²/ΣM (partial conv)
    conv = tf.add(conv, this.read('sr/bias'));
    let r = layerNorm(tf.reshape(conv, [b, -1, c]), this.read('norm/gamma') as tf.Tensor1D, this.read('norm/beta') as tf.Tensor1D, SR_NORM_EPS);
    if (this.linear) r = gelu(r);
    // Real floats from tf.where (keyPaddingReal), not a cast bool: the fused kernels read the mask's buffer.
    const keyMask = frac && keyPaddingReal(tf.reshape(tf.greater(frac, 0), [b, -1]) as tf.Tensor2D);
    return { xr: r as tf.Tensor3D, keyMask };
  }

  private qkv(x: tf.Tensor3D, mask?: tf.Tensor2D): { q: tf.Tensor3D; k: tf.Tensor3D; v: tf.Tensor3D; keyMask?: tf.Tensor2D } {
    const { xr, keyMask } = this.reduce(x, mask);
    return { q: this.project('q', x), k: this.project('k', xr), v: this.project('v', xr), keyMask };
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const n = x.shape[1];
    const mask = ctx.keyPaddingMask; // [B, N] float 0/1: queries and keys are the same tokens
    const { q, k, v, keyMask } = this.qkv(x, mask);
    // DWC input: v on the token grid; a reduced v is first resized to N tokens (1-D, as the official code).
    const vGrid = k.shape[1] === n ? v : mergeHeads(interpolateTokens(splitHeads(v, this.numHeads), n));
    // Padded keys leave φ(K)ᵀV and its normaliser (keyMask); padded tokens' values are zeroed before the DWC (mask).
    return this.attend({ q, k, v }, this.grid!, vGrid, keyMask, mask);
  }

  /** Running sums per head and the value tokens the causal DWC still reads. */
  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const c = Math.floor(this.kernelSize / 2);
    const [h, w] = this.grid!;
    const past = Math.min(c, h - 1) * w + c; // the farthest tap reads min(c, H−1) rows back and c columns left
    return {
      kv: linearAttentionState(batch, this.numHeads, this.headDim, this.headDim),
      vPast: tf.zeros([batch, past, this.dim]), // oldest first; zeros before the first token are never read
    };
  }

  /** Eq. 4 with the causal sums as a recurrence, plus the causal DWC(V) at raster position t (Eq. 12). */
  protected override stepTokens(x: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>, t: number) {
    const h = this.numHeads;
    const scale = this.read('scale') as tf.Tensor1D;
    const pe = tf.slice(this.read('positionalEncoding'), [t, 0], [1, this.dim]); // row t: [1, C]
    const k = tf.add(this.project('k', x), pe) as tf.Tensor3D; // k + positional_encoding
    const v = this.project('v', x); // [B, 1, C]
    const phiQ = splitHeads(focusedKernel(this.project('q', x), scale, this.focusingFactor), h); // [B, h, 1, d]
    const phiK = splitHeads(focusedKernel(k, scale, this.focusingFactor), h);
    const { out, state: kv } = linearAttentionStep(phiQ, phiK, splitHeads(v, h), state['kv'] as tf.Tensor4D, NORMALISER_EPS);
    const vPast = state['vPast'] as tf.Tensor3D;
    const window = tf.concat([vPast, v], 1); // [B, L+1, C]: window[L − back] is token t − back
    const past = vPast.shape[1];
    return {
      mixed: tf.add(mergeHeads(out), this.dwcStep(window, t)) as tf.Tensor3D,
      tensors: { kv, vPast: tf.slice(window, [0, 1, 0], [-1, past, -1]) },
    };
  }

  /** The causal DWC at token t from the last value tokens `[B, L+1, C]` → `[B, 1, C]`. */
  private dwcStep(window: tf.Tensor3D, t: number): tf.Tensor3D {
    const [b, last, c] = [window.shape[0], window.shape[1] - 1, this.dim];
    const [h, d, k] = [this.numHeads, this.headDim, this.kernelSize];
    const taps = causalTapsAt(t, k, this.grid!);
    const rows = tf.gather(window, taps.map((tap) => last - tap.back), 1); // [B, T, C]
    const w = tf.gather(tf.reshape(this.read('dwc/kernel'), [k * k, d]), taps.map((tap) => tap.kernelRow)); // [T, d]
    const mixed = tf.sum(tf.mul(tf.reshape(rows, [b, taps.length, h, d]), tf.reshape(w, [1, taps.length, 1, d])), 1); // [B, h, d]
    return tf.reshape(tf.add(mixed, this.read('dwc/bias')), [b, 1, c]); // channel = head·d + j
  }

  /** Focused linear weights `[B, h, N, n]` (no DWC). */
  protected override computeAttentionMap(x: tf.Tensor3D): tf.Tensor4D {
    const { q, k } = this.qkv(x);
    return this.windowWeights(q, k);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), srRatio: this.srRatio, linear: this.linear };
  }

  /** Official keys: `q`, `kv` (rows 0..C−1 are k, C..2C−1 are v), `proj`, `scale`, `positional_encoding`, `dwc`, and `sr`, `norm` when reduced. */
  torchKeyMap(): StateDictKeyMap {
    const map: StateDictKeyMap = {
      'q.weight': { to: 'q/kernel', transform: torch.linear },
      'kv.weight': { to: ['k/kernel', 'v/kernel'], transform: torch.linearSplit(2) },
      ...(this.qkvBias ? { 'q.bias': 'q/bias', 'kv.bias': { to: ['k/bias', 'v/bias'], transform: torch.split(2) } } : {}),
      ...this.projKeyMap(),
      ...this.sharedKeyMap(),
    };
    if (this.srRatio > 1 || this.linear) {
      map['sr.weight'] = { to: 'sr/kernel', transform: torch.conv2d };
      map['sr.bias'] = 'sr/bias';
      map['norm.weight'] = 'norm/gamma';
      map['norm.bias'] = 'norm/beta';
    }
    return map;
  }
}

