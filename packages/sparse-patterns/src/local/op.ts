import * as tf from '@tensorflow/tfjs-core';
import { softmaxAttentionKernel } from '@attention-zoo/attention-core/kernels';
import {
  foldDilation,
  fromBlocks,
  keyValid,
  maskConstant,
  mergeBatchHeads,
  neighbourBlocks,
  padTokens,
  paddedLength,
  toBlocks,
  unfoldDilation,
} from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type KeySource, type PatternOptions } from '../shared/sources.js';

export interface SlidingWindowOptions extends PatternOptions {
  /** Keys within ±radius of the query (causal: the query and the `radius` keys before it). */
  radius: number;
  causal?: boolean;
  /** Gap between attended keys (Longformer's dilated window): keys i ± m·dilation, m ≤ radius. Default 1. */
  dilation?: number;
}

/**
 * The band as a key source. q (already scaled), k, v `[BH, N, d]` with N a
 * multiple of c = max(radius, 1); `valid` `[BH, N]` 0/1 real keys.
 * Query block t (c tokens) looks at key blocks t−1, t, t+1 (causal: t−1, t),
 * so every key within the radius is present; the exact band
 * |i − j| ≤ r (causal 0 ≤ i − j ≤ r) is a fixed [c, m·c] pattern, the same for
 * every block (Longformer `sliding_chunks_matmul_qk_3`). Logits `[BH, N/c, c, m·c]`.
 */
export function windowSource(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  valid: tf.Tensor2D,
  radius: number,
  causal: boolean,
): KeySource {
  const c = Math.max(radius, 1);
  const after = causal ? 0 : 1;
  const m = 2 + after;
  const [bh, n] = valid.shape;
  const kN = neighbourBlocks(toBlocks(k, c), 1, after); // [BH, nb, m·c, d]
  const vN = neighbourBlocks(toBlocks(v, c), 1, after); // [BH, nb, m·c, dv]
  const validN = neighbourBlocks(tf.reshape(valid, [bh, n / c, c, 1]), 1, after); // [BH, nb, m·c, 1]
  const realKey = tf.reshape(validN, [bh, n / c, 1, m * c]); // [BH, nb, 1, m·c], 0/1
  const band = new Uint8Array(c * m * c);
  for (let a = 0; a < c; a++) {
    for (let s = 0; s < m * c; s++) {
      const rel = s - c - a; // j − i: slot s sits in block t − 1 + ⌊s/c⌋ at offset s mod c
      band[a * m * c + s] = (causal ? rel <= 0 && rel >= -radius : Math.abs(rel) <= radius) ? 1 : 0;
    }
  }
  return {
    logits: tf.matMul(toBlocks(q, c), kN, false, true), // [BH, nb, c, m·c]
    keep: tf.mul(maskConstant(band, [1, 1, c, m * c]), realKey),
    mix: (w) => tf.matMul(w, vN), // [BH, nb, c, dv]
  };
}

/**
 * Local (sliding-window) attention, computed by blocks: out_i = Σ_{j ∈ S_i} softmax_j(q_i·k_j·s) v_j
 * with S_i = {j : |i − j| ≤ r·δ, (i − j) mod δ = 0} (causal: 0 ≤ i − j ≤ r·δ), δ the dilation
 * (Beltagy et al. 2020, Longformer §3.1; the local pattern of Child et al. 2019).
 * q, k, v `[B, H, N, d]` → `[B, H, N, dv]`. Any N: the sequence is zero-padded to a
 * multiple of the block (padding keys are masked, padding rows dropped).
 * Time O(N·r·d), memory O(N·r): the N × N matrix is never formed. Dilation 1 without dropout
 * runs core's banded softmax attention (the fused tiled kernel on wasm and webgpu).
 */
export function slidingWindowAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: SlidingWindowOptions): tf.Tensor4D {
  const op = 'slidingWindowAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, k, v, op);
  const [radius, dilation] = clampWindow(n, checkInt(op, 'radius', options?.radius, 0), checkInt(op, 'dilation', options.dilation ?? 1, 1));
  checkMask(options.keyPaddingMask, batch, n, op);
  const causal = options.causal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  if (dilation === 1 && !(options.training && (options.dropout ?? 0) > 0)) {
    // The plain band is core's banded softmax attention: the tiled online-softmax kernel on wasm
    // and webgpu (only the band's key tiles, with its gradient), the same blocks as below elsewhere.
    return softmaxAttentionKernel(q, k, v, { scale, causal, window: radius, keyPaddingMask: options.keyPaddingMask });
  }
  return tf.tidy(() => {
    const c = Math.max(radius, 1);
    const nPad = paddedLength(n, c * dilation);
    const valid = keyValid(options.keyPaddingMask, batch, heads, n, nPad); // [BH, N']
    const fold = (x: tf.Tensor4D) => foldDilation(padTokens(mergeBatchHeads(x), nPad), dilation); // [BH·δ, N'/δ, d]
    const source = windowSource(fold(tf.mul(q, scale) as tf.Tensor4D), fold(k), fold(v), foldValid(valid, dilation), radius, causal);
    const out = unfoldDilation(fromBlocks(attendOverSources([source], options) as tf.Tensor4D), dilation); // [BH, N', dv]
    return tf.reshape(tf.slice(out, [0, 0, 0], [batch * heads, n, dv]), [batch, heads, n, dv]);
  });
}

/**
 * The window a sequence of `n` tokens can hold: keys i ± m·δ with m ≤ r exist only for
 * m·δ ≤ N − 1, so r is clamped to ⌊(N − 1)/δ⌋ (the same pattern: a window past the sequence
 * is the dense one), and a window of radius 0 is the diagonal whatever δ, so δ becomes 1.
 * Blocks and padding then stay O(N) long — a radius of 10⁶ on 16 tokens costs what 15 does.
 */
export function clampWindow(n: number, radius: number, dilation: number): [radius: number, dilation: number] {
  const r = Math.min(radius, Math.floor(Math.max(n - 1, 0) / dilation));
  return [r, r === 0 ? 1 : dilation];
}

/** `[BH, N]` real-key flags folded like `foldDilation`: `[BH·δ, N/δ]`. */
export function foldValid(valid: tf.Tensor2D, d: number): tf.Tensor2D {
  if (d === 1) return valid;
  const [bh, n] = valid.shape;
  return tf.reshape(foldDilation(tf.reshape(valid, [bh, n, 1]), d), [bh * d, n / d]);
}
