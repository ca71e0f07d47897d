import * as tf from '@tensorflow/tfjs-core';

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

export interface WindowAttentionOptions {
  /** Relative position bias B `[heads, ws², ws²]`. */
  bias: tf.Tensor3D;
  /** The SW-MSA mask `[nW, ws², ws²]` of shifted windows (`shiftedWindowMask`); none for W-MSA. */
  mask?: tf.Tensor3D;
  /** Dropout on the attention weights, applied only when `training`. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/**
 * Swin's window attention (Liu et al. 2021, Eq. 4) inside each window:
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d + B [+ mask]) V
 *
 * q, k, v `[B·nW, heads, ws², d]` (windows of sample b at rows b·nW … b·nW + nW − 1) →
 * `[B·nW, heads, ws², d]`. Only ws² tokens attend to each other: O(N·ws²·d), never N×N.
 */
export function windowAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: WindowAttentionOptions): tf.Tensor4D {
  const [bnw, heads, n, d] = q.shape;
  return tf.tidy(() => {
    let logits = tf.add(tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true), options.bias) as tf.Tensor4D; // [B·nW, h, ws², ws²]
    if (options.mask) {
      const nw = options.mask.shape[0];
      const perSample = tf.reshape(logits, [bnw / nw, nw, heads, n, n]); // [B, nW, h, ws², ws²]
      logits = tf.reshape(tf.add(perSample, tf.expandDims(options.mask, 1)), [bnw, heads, n, n]) as tf.Tensor4D;
    }
    let a = tf.softmax(logits) as tf.Tensor4D;
    if (options.training && options.dropout) a = tf.dropout(a, options.dropout, undefined, options.seed) as tf.Tensor4D;
    return tf.matMul(a, v) as tf.Tensor4D; // [B·nW, h, ws², d]
  });
}
