import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import { AttentionLayer, defineCapabilities, type AttentionConfig, type MixContext } from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads, swinWindow, tokensToWindows, windowsToTokens, type SwinWindow } from '@attention-zoo/attention-core/ops';
import { tilingSide } from '../shared/tiling-side.js';
import { relativePositionIndex, shiftedWindowMask, windowAttention } from './op.js';

/** Swin's window side (official `window_size`). */
export const SWIN_WINDOW = 7;

export interface SwinWindowAttentionConfig extends AttentionConfig {
  /**
   * Side of the windows (official `window_size`); ≥ min(grid) → one window, no shift (as Swin's block).
   * Default 7 where 7×7 windows tile the grid (every stage of the Swin models at 224²), else the
   * largest side below 7 that does (4 on an 8×8 grid).
   */
  windowSize?: number;
  /** Cyclic shift of SW-MSA blocks (official `shift_size`); `'half'`: ⌊windowSize/2⌋, Swin's choice. Default 0. */
  shiftSize?: number | 'half';
}

/**
 * Swin Transformer's window attention (Liu et al. 2021, Eq. 4; official `WindowAttention`
 * run by `SwinTransformerBlock`): the grid is cyclically shifted by −shift, cut into ws×ws
 * windows, and in each window softmax(Q Kᵀ / √d + B [+ mask]) V, with the relative position
 * bias B gathered from a (2ws−1)² × heads table and, for shifted windows, the SW-MSA mask.
 *
 * Weights: `q`, `k`, `v` (official `qkv`), `out` (`proj`), `relativePositionBiasTable [(2ws−1)², heads]`.
 */
export class SwinWindowAttention extends AttentionLayer {
  static className = 'AttentionZoo>SwinWindowAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    noKeyPaddingMaskReason: 'its tokens are the H×W patches of an image grid cut into windows (the grid has no padding; use the shifted-window mask for shifts)',
  });

  /** The configured window and shift (as given, or the default window). */
  readonly windowSize: number;
  readonly shiftSize: number;
  /** The window and shift in use after Swin's clamp (window ≥ min(grid) → window = min(grid), shift 0). */
  private readonly windows: SwinWindow;
  private index: tf.Tensor1D | undefined;
  private mask: tf.Tensor3D | undefined;

  constructor(config: SwinWindowAttentionConfig) {
    super(config);
    this.windowSize = config.windowSize ?? tilingSide(this.grid!, SWIN_WINDOW);
    this.shiftSize = config.shiftSize === 'half' ? Math.floor(this.windowSize / 2) : (config.shiftSize ?? 0);
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

  protected override buildMixing(): void {
    const side = 2 * this.window - 1;
    this.addPathWeight('relativePositionBiasTable', [side * side, this.numHeads], (seed) => initializers.truncatedNormal({ stddev: 0.02, seed }));
  }

  /** Relative position bias `[heads, ws², ws²]` gathered from the table. */
  private bias(): tf.Tensor3D {
    if (!this.index) this.index = tf.keep(tf.tensor1d(relativePositionIndex(this.window), 'int32'));
    const n = this.window * this.window;
    const g = tf.gather(this.weight('relativePositionBiasTable').read(), this.index); // [n·n, heads]
    return tf.transpose(tf.reshape(g, [n, n, this.numHeads]), [2, 0, 1]) as tf.Tensor3D;
  }

  /** The SW-MSA mask `[nW, ws², ws²]` of shifted windows (built once). */
  private shiftMask(): tf.Tensor3D | undefined {
    if (!this.shift) return undefined;
    const [h, w] = this.grid!;
    const n = this.window * this.window;
    if (!this.mask) this.mask = tf.keep(tf.tensor3d(shiftedWindowMask(h, w, this.window, this.shift), [(h * w) / n, n, n]));
    return this.mask;
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const win = tokensToWindows(x, this.grid!, this.windows); // [B·nW, ws², C] of the grid shifted by −shift
    const h = this.numHeads;
    const out = windowAttention(splitHeads(this.project('q', win), h), splitHeads(this.project('k', win), h), splitHeads(this.project('v', win), h), {
      bias: this.bias(),
      mask: this.shiftMask(),
      dropout: this.dropout,
      training: ctx.training,
      seed: ctx.seed,
    }); // [B·nW, h, ws², d]
    return windowsToTokens(mergeHeads(out), this.grid!, this.windows); // [B, N, C]
  }

  /** Frees the cached index and mask constants (they are rebuilt on the next call). */
  releaseConstants(): void {
    this.index?.dispose();
    this.mask?.dispose();
    this.index = undefined;
    this.mask = undefined;
  }

  override dispose(): ReturnType<AttentionLayer['dispose']> {
    this.releaseConstants();
    return super.dispose();
  }

  protected override variantConfig(): Record<string, unknown> {
    return { windowSize: this.windowSize, shiftSize: this.shiftSize };
  }
}
