import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities, AttentionInputError, type MixContext } from '@attention-zoo/attention-core';
import { softmaxKeyMaps, type StateDictKeyMap, torch } from '@attention-zoo/attention-core/weights';
import { FocusedLinearLayer, maskTokens, type FocusedLinearConfig } from '../shared/focused-layer.js';
import { LEPE_KERNEL, lepe } from './op.js';

type Shape = (number | null)[];

export type FLattenCSwinAttentionConfig = FocusedLinearConfig;

/**
 * Focused Linear Attention in its CSwin form (official `models/flatten_cswin.py`,
 * `FocusedLinearAttention` with `idx=-1`, inside `CSWinBlock` which owns `qkv` and `proj`):
 *
 *   out = proj( focused(q, k + pos, v) + DWC(v) + LePE(v) )
 *
 * LePE is CSwin's locally-enhanced positional encoding, a depthwise 3×3 conv over all C
 * channels of v (with bias), kept alongside the DWC. The attention covers the whole map:
 * the official FLatten-CSwin "L" stages use `la_split_size` = resolution (one branch,
 * `idx=-1`); the official two-branch stripes (idx 0/1) cannot run, since its DWC reshape
 * assumes one window, so they are not offered. The official code needs H = W; this layer
 * also takes rectangular grids.
 *
 * Weights: `q`, `k`, `v` (block `qkv`), `out` (block `proj`), `scale`,
 * `positionalEncoding [H·W, C]`, `dwc/*`, `lepe/kernel [3, 3, C, 1]`, `lepe/bias [C]`.
 */
export class FLattenCSwinAttention extends FocusedLinearLayer {
  static className = 'AttentionZoo>FLattenCSwinAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    attentionMap: 'approximate',
    keyPaddingMask: true,
  });

  constructor(config: FLattenCSwinAttentionConfig) {
    super(config);
  }

  protected override positionalTokens(tokens: number): number {
    return tokens;
  }

  protected override buildMixing(inputShape: Shape): void {
    super.buildMixing(inputShape);
    this.addPathWeight('lepe/kernel', [LEPE_KERNEL, LEPE_KERNEL, this.dim, 1]);
    this.addPathWeight('lepe/bias', [this.dim]);
  }

  /**
   * The official module's forward on already-projected q, k, v `[B, H·W, C]`
   * (as `CSWinBlock` passes `qkv`): focused linear attention + DWC + LePE,
   * before the output projection. `keyPaddingMask` `[B, H·W]` (float 0/1, 1 = real):
   * padded keys leave the focused sums, and padded values are zeroed before both convs.
   */
  attendProjected(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, keyPaddingMask?: tf.Tensor2D): tf.Tensor3D {
    const [h, w] = this.grid!;
    for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
      if (t.rank !== 3 || t.shape[1] !== h * w || t.shape[2] !== this.dim) {
        throw new AttentionInputError(`${this.who}: ${name} must be [batch, H·W=${h * w}, C=${this.dim}] for grid [${h}, ${w}], got [${t.shape.join(', ')}]`);
      }
    }
    if (!this.built) throw new AttentionInputError(`${this.who}: build the layer (call it once, or loadTorchStateDict) before attendProjected`);
    return tf.tidy(() => {
      const positional = lepe(maskTokens(v, keyPaddingMask), this.read('lepe/kernel') as tf.Tensor4D, this.read('lepe/bias') as tf.Tensor1D, [h, w]); // get_v(v): [B, H·W, C]
      return tf.add(this.attend({ q, k, v }, [h, w], v, keyPaddingMask), positional) as tf.Tensor3D;
    });
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    return this.attendProjected(this.project('q', x), this.project('k', x), this.project('v', x), ctx.keyPaddingMask);
  }

  protected override computeAttentionMap(x: tf.Tensor3D): tf.Tensor4D {
    return this.windowWeights(this.project('q', x), this.project('k', x));
  }

  /**
   * Official keys as they sit in `CSWinBlock`: `qkv`, `proj` (the block's), and the
   * attention's `attns.0.{scale, positional_encoding, get_v, dwc}`.
   */
  torchKeyMap(): StateDictKeyMap {
    const inner: StateDictKeyMap = {
      ...this.sharedKeyMap(),
      'get_v.weight': { to: 'lepe/kernel', transform: torch.depthwiseConv2d },
      'get_v.bias': 'lepe/bias',
    };
    const map: StateDictKeyMap = { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }) };
    for (const [key, entry] of Object.entries(inner)) map[`attns.0.${key}`] = entry;
    return map;
  }

  /** Keys of the official CSwin `FocusedLinearAttention` module alone (no `qkv`/`proj`): for `attendProjected`. */
  innerTorchKeyMap(): StateDictKeyMap {
    const map: StateDictKeyMap = {};
    for (const [key, entry] of Object.entries(this.torchKeyMap())) if (key.startsWith('attns.0.')) map[key.slice(8)] = entry;
    return map;
  }
}

