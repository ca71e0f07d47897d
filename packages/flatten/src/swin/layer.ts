import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, defineCapabilities, type MixContext } from '@attention-zoo/attention-core';
import { softmaxKeyMaps, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { FocusedLinearLayer, type FocusedLinearConfig } from '../layers/focused-layer.js';
import { roll2d, windowPartition, windowReverse, windowTokenOrder } from './windows.js';

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
 *
 * Weights: `q`, `k`, `v` (official fused `qkv`), `out` (`proj`), `scale`,
 * `positionalEncoding [ws², C]`, `dwc/*`.
 */
export class FLattenSwinAttention extends FocusedLinearLayer {
  static className = 'AttentionZoo>FLattenSwinAttention';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true, attentionMap: 'approximate' });

  /** The configured window and shift (as given). */
  readonly windowSize: number;
  readonly shiftSize: number;
  /** The window and shift in use after Swin's clamp (window ≥ min(grid) → window = min(grid), shift 0). */
  readonly window: number;
  readonly shift: number;

  constructor(config: FLattenSwinAttentionConfig) {
    super(config);
    this.windowSize = config.windowSize ?? FLATTEN_SWIN_WINDOW;
    this.shiftSize = config.shiftSize ?? 0;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      throw new AttentionConfigError(`${this.who}: windowSize must be a positive integer, got ${JSON.stringify(config.windowSize)}`);
    }
    const [h, w] = this.grid!;
    // SwinTransformerBlock: if min(input_resolution) <= window_size, one window covers the map, no shift.
    const global = Math.min(h, w) <= this.windowSize;
    this.window = global ? Math.min(h, w) : this.windowSize;
    this.shift = global ? 0 : this.shiftSize;
    if (!Number.isInteger(this.shiftSize) || this.shift < 0 || this.shift >= this.window) {
      throw new AttentionConfigError(`${this.who}: shiftSize must be an integer in [0, windowSize=${this.window}), got ${JSON.stringify(config.shiftSize)}`);
    }
    if (h % this.window !== 0 || w % this.window !== 0) {
      throw new AttentionConfigError(`${this.who}: grid [${h}, ${w}] is not divisible into ${this.window}×${this.window} windows (windowSize ${this.windowSize})`);
    }
  }

  protected override positionalTokens(): number {
    return this.window * this.window;
  }

  protected override positionalDescription(): string {
    return `window ${this.window}×${this.window} (grid [${this.grid!.join(', ')}], windowSize ${this.windowSize})`;
  }

  /** `[B, N, C]` → windows `[B·nW, ws², C]` of the grid shifted by −shift. */
  private toWindows(x: tf.Tensor3D): tf.Tensor3D {
    const [h, w] = this.grid!;
    const map = tf.reshape(x, [x.shape[0], h, w, this.dim]) as tf.Tensor4D;
    return windowPartition(this.shift ? roll2d(map, -this.shift) : map, this.window);
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, _ctx: MixContext): tf.Tensor3D {
    const [b, n] = x.shape;
    const [h, w] = this.grid!;
    const win = this.toWindows(x); // [B·nW, ws², C]
    const qkv = { q: this.project('q', win), k: this.project('k', win), v: this.project('v', win) };
    const out = this.attend(qkv, [this.window, this.window]); // [B·nW, ws², C]
    const merged = windowReverse(out, this.window, h, w); // [B, H, W, C]
    return tf.reshape(this.shift ? roll2d(merged, this.shift) : merged, [b, n, this.dim]) as tf.Tensor3D;
  }

  /**
   * `[B, h, N, N]` in grid token order: each window's focused linear weights,
   * zero between tokens of different windows (no DWC).
   */
  protected override computeAttentionMap(x: tf.Tensor3D): tf.Tensor4D {
    const [b, n] = x.shape;
    const [gh, gw] = this.grid!;
    const ws2 = this.window * this.window;
    const nw = n / ws2;
    const heads = this.numHeads;
    const win = this.toWindows(x);
    const a = this.windowWeights(this.project('q', win), this.project('k', win)); // [B·nW, h, ws², ws²]
    // Block-diagonal [B, h, nW·ws², nW·ws²] in window order.
    const blocks = tf.transpose(tf.reshape(a, [b, nw, heads, ws2, ws2]), [0, 2, 1, 3, 4]); // [B, h, nW, ws², ws²]
    const eye = tf.reshape(tf.eye(nw), [1, 1, nw, 1, nw, 1]);
    const full = tf.reshape(tf.mul(tf.expandDims(blocks, 4), eye), [b, heads, n, n]); // [B, h, nW·ws², nW·ws²]
    // Window order → grid order: grid token order[p] sits at window position p.
    const order = windowTokenOrder(gh, gw, this.window, this.shift);
    const inverse = new Int32Array(n);
    order.forEach((g, p) => (inverse[g] = p));
    const idx = tf.tensor1d(inverse, 'int32');
    return tf.gather(tf.gather(full, idx, 2), idx, 3) as tf.Tensor4D;
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), windowSize: this.windowSize, shiftSize: this.shiftSize };
  }

  /** Official keys: `qkv` (rows q, k, v), `proj`, `scale`, `positional_encoding`, `dwc`. */
  torchKeyMap(): StateDictKeyMap {
    return { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }), ...this.sharedKeyMap() };
  }
}

