import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import {
  AttentionConfigError,
  registerLayerClass,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { softmaxKeyMaps, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { roll2d, windowPartition, windowReverse } from '@attention-zoo/flatten';

type Shape = (number | null)[];

export interface SwinWindowAttentionConfig extends AttentionConfig {
  /** Side of the windows (official `window_size`). Default 7; ≥ min(grid) → one window, no shift (as Swin's block). */
  windowSize?: number;
  /** Cyclic shift of SW-MSA blocks (official `shift_size`). Default 0. */
  shiftSize?: number;
}

/** Swin's `relative_position_index`: for tokens i, j of a ws×ws window, (Δy + ws − 1)(2ws − 1) + (Δx + ws − 1). */
export function relativePositionIndex(ws: number): Int32Array {
  const n = ws * ws;
  const idx = new Int32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dy = Math.floor(i / ws) - Math.floor(j / ws) + ws - 1;
      const dx = (i % ws) - (j % ws) + ws - 1;
      idx[i * n + j] = dy * (2 * ws - 1) + dx;
    }
  }
  return idx;
}

/**
 * Swin's SW-MSA mask `[nW, ws², ws²]`: 0 within a region of the shifted map, −100 across
 * regions (the official constant), so tokens brought together by the cyclic shift do not attend.
 */
export function shiftedWindowMask(h: number, w: number, ws: number, shift: number): Float32Array {
  const label = (p: number, n: number) => (p < n - ws ? 0 : p < n - shift ? 1 : 2);
  const nw = (h / ws) * (w / ws);
  const n = ws * ws;
  const out = new Float32Array(nw * n * n);
  let win = 0;
  for (let wy = 0; wy < h / ws; wy++) {
    for (let wx = 0; wx < w / ws; wx++) {
      const lab = new Int32Array(n);
      for (let t = 0; t < n; t++) lab[t] = label(wy * ws + Math.floor(t / ws), h) * 3 + label(wx * ws + (t % ws), w);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[win * n * n + i * n + j] = lab[i] === lab[j] ? 0 : -100;
      win++;
    }
  }
  return out;
}

/**
 * Swin Transformer's window attention (Liu et al. 2021, Eq. 4; official `WindowAttention`
 * run by `SwinTransformerBlock`): the grid is cyclically shifted by −shift, cut into ws×ws
 * windows, and in each window
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d + B [+ mask]) V,   B from a (2ws−1)² × heads table
 *
 * Only ws² tokens attend to each other: O(N·ws²·C), never N×N.
 * Weights: `q`, `k`, `v` (official `qkv`), `out` (`proj`), `relativePositionBiasTable [(2ws−1)², heads]`.
 */
export class SwinWindowAttention extends AttentionLayer {
  static className = 'AttentionZoo>SwinWindowAttention';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true });

  readonly windowSize: number;
  readonly shiftSize: number;
  /** Window and shift after Swin's clamp (window ≥ min(grid) → window = min(grid), shift 0). */
  readonly window: number;
  readonly shift: number;
  private index: tf.Tensor1D | undefined;
  private mask: tf.Tensor4D | undefined;

  constructor(config: SwinWindowAttentionConfig) {
    super(config);
    this.windowSize = config.windowSize ?? 7;
    this.shiftSize = config.shiftSize ?? 0;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      throw new AttentionConfigError(`${this.who}: windowSize must be a positive integer, got ${JSON.stringify(config.windowSize)}`);
    }
    const [h, w] = this.grid!;
    const global = Math.min(h, w) <= this.windowSize;
    this.window = global ? Math.min(h, w) : this.windowSize;
    this.shift = global ? 0 : this.shiftSize;
    if (!Number.isInteger(this.shiftSize) || this.shift < 0 || this.shift >= this.window) {
      throw new AttentionConfigError(`${this.who}: shiftSize must be an integer in [0, ${this.window}), got ${JSON.stringify(config.shiftSize)}`);
    }
    if (h % this.window !== 0 || w % this.window !== 0) {
      throw new AttentionConfigError(`${this.who}: grid [${h}, ${w}] is not divisible into ${this.window}×${this.window} windows`);
    }
  }

  protected override buildMixing(_inputShape: Shape): void {
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

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const [b, n] = x.shape;
    const [h, w] = this.grid!;
    const ws = this.window;
    const map = tf.reshape(x, [b, h, w, this.dim]) as tf.Tensor4D;
    const win = windowPartition(this.shift ? roll2d(map, -this.shift) : map, ws); // [B·nW, ws², C]
    const hd = this.numHeads;
    const q = tf.mul(splitHeads(this.project('q', win), hd), 1 / Math.sqrt(this.headDim)) as tf.Tensor4D;
    const k = splitHeads(this.project('k', win), hd);
    const v = splitHeads(this.project('v', win), hd);
    let logits = tf.add(tf.matMul(q, k, false, true), this.bias()) as tf.Tensor4D; // [B·nW, h, ws², ws²]
    if (this.shift) {
      const nw = (h / ws) * (w / ws);
      if (!this.mask) this.mask = tf.keep(tf.tensor4d(shiftedWindowMask(h, w, ws, this.shift), [1, nw, ws * ws, ws * ws]));
      const l5 = tf.reshape(logits, [b, nw, hd, ws * ws, ws * ws]);
      logits = tf.reshape(tf.add(l5, tf.expandDims(this.mask, 2)), [b * nw, hd, ws * ws, ws * ws]) as tf.Tensor4D;
    }
    let a = tf.softmax(logits) as tf.Tensor4D;
    if (ctx.training && this.dropout > 0) a = tf.dropout(a, this.dropout, undefined, ctx.seed) as tf.Tensor4D;
    const out = mergeHeads(tf.matMul(a, v)); // [B·nW, ws², C]
    const merged = windowReverse(out, ws, h, w);
    return tf.reshape(this.shift ? roll2d(merged, this.shift) : merged, [b, n, this.dim]) as tf.Tensor3D;
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

  /** Official keys: `qkv` (rows q, k, v), `proj`, `relative_position_bias_table` (`relative_position_index` is recomputed). */
  torchKeyMap(): StateDictKeyMap {
    return { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }), relative_position_bias_table: 'relativePositionBiasTable' };
  }
}


// Not a registry variant yet: registered for save/load only.
registerLayerClass(SwinWindowAttention);
