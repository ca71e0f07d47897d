import * as tf from '@tensorflow/tfjs-core';
import { defineCapabilities, type MixContext } from '@attention-zoo/attention-core';
import { swinWindow, tokensToWindows, windowsToTokens, type SwinWindow } from '@attention-zoo/attention-core/ops';
import { softmaxKeyMaps, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { FocusedLinearLayer, type FocusedLinearConfig } from '../shared/focused-layer.js';
import { windowedMap } from './op.js';

/**
 * Default window of the Swin form: 56, the `WINDOW_SIZE` of the official
 * FLatten-Swin configs (`cfgs/flatten_swin_{t,s,b}.yaml`). As in Swin's block,
 * a window at least as large as the grid becomes the grid (global attention, no shift).
 */
export const FLATTEN_SWIN_WINDOW = 56;

export interface FLattenSwinAttentionConfig extends FocusedLinearConfig {
  /** Side of the square windows (official `window_size`). Default 56 (FLatten-Swin configs); clamped to min(grid). */
  windowSize?: number;
  /** Cyclic shift of Swin's SW-MSA blocks (official `shift_size`); the linear attention ignores the shifted-window mask, as the official code does. Default 0. */
  shiftSize?: number;
}

/**
 * Focused Linear Attention in its Swin form (official `models/flatten_swin.py`,
 * `FocusedLinearAttention` run by `SwinTransformerBlock`): the grid is shifted by
 * −shiftSize, cut into ws×ws windows, each window gets focused linear attention
 * with its own DWC (zero padding at the window border) and a `[ws², C]`
 * positional encoding, then windows are merged and the shift undone.
 * The shifted-window mask is NOT applied (official issue #16): tokens from
 * different regions of a shifted window attend to each other.
 * A key-padding mask `[B, N]` is cut into windows with the tokens: in each window padded
 * keys leave φ(K)ᵀV and its normaliser, and their values are zeroed before the window's DWC.
 *
 * Weights: `q`, `k`, `v` (official fused `qkv`), `out` (`proj`), `scale`,
 * `positionalEncoding [ws², C]`, `dwc/*`.
 */
export class FLattenSwinAttention extends FocusedLinearLayer {
  static className = 'AttentionZoo>FLattenSwinAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    attentionMap: 'approximate',
    keyPaddingMask: true,
  });

  /** The configured window and shift (as given). */
  readonly windowSize: number;
  readonly shiftSize: number;
  /** The window and shift in use after Swin's clamp (window ≥ min(grid) → window = min(grid), shift 0). */
  private readonly windows: SwinWindow;

  constructor(config: FLattenSwinAttentionConfig) {
    super(config);
    this.windowSize = config.windowSize ?? FLATTEN_SWIN_WINDOW;
    this.shiftSize = config.shiftSize ?? 0;
    this.windows = swinWindow(this.who, this.grid!, this.windowSize, this.shiftSize);
  }

  /** Side of the windows in use. */
  get window(): number {
    return this.windows.window;
  }

  /** Cyclic shift in use. */
  get shift(): number {
    return this.windows.shift;
  }

  protected override positionalTokens(): number {
    return this.window * this.window;
  }

  protected override positionalDescription(): string {
    return `window ${this.window}×${this.window} (grid [${this.grid!.join(', ')}], windowSize ${this.windowSize})`;
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const win = tokensToWindows(x, this.grid!, this.windows); // [B·nW, ws², C] of the grid shifted by −shift
    const qkv = { q: this.project('q', win), k: this.project('k', win), v: this.project('v', win) };
    // The key-padding mask goes through the same shift and window cut as the tokens: [B·nW, ws²].
    const mask = ctx.keyPaddingMask && this.windowMask(ctx.keyPaddingMask);
    const out = this.attend(qkv, [this.window, this.window], qkv.v, mask); // [B·nW, ws², C]
    return windowsToTokens(out, this.grid!, this.windows); // [B, N, C]
  }

  /** A `[B, N]` float mask cut into the windows as the tokens are: `[B·nW, ws²]`. */
  private windowMask(mask: tf.Tensor2D): tf.Tensor2D {
    const [b, n] = mask.shape;
    const win = tokensToWindows(tf.reshape(mask, [b, n, 1]) as tf.Tensor3D, this.grid!, this.windows); // [B·nW, ws², 1]
    return tf.reshape(win, [win.shape[0], win.shape[1]]) as tf.Tensor2D;
  }

  /**
   * `[B, h, N, N]` in grid token order: each window's focused linear weights,
   * zero between tokens of different windows (no DWC).
   */
  protected override computeAttentionMap(x: tf.Tensor3D): tf.Tensor4D {
    const win = tokensToWindows(x, this.grid!, this.windows);
    const a = this.windowWeights(this.project('q', win), this.project('k', win)); // [B·nW, h, ws², ws²]
    return windowedMap(a, this.grid!, this.windows);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), windowSize: this.windowSize, shiftSize: this.shiftSize };
  }

  /** Official keys: `qkv` (rows q, k, v), `proj`, `scale`, `positional_encoding`, `dwc`. */
  torchKeyMap(): StateDictKeyMap {
    return { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }), ...this.sharedKeyMap() };
  }
}

