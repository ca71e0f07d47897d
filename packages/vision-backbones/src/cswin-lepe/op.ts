import * as tf from '@tensorflow/tfjs-core';
import { depthwiseConv2dSame, mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';

/**
 * CSwin's `img2windows`: `[B, H, W, C]` → `[B·nW, hs·ws, C]` for hs×ws stripes
 * (windows row-major over the map, tokens row-major inside each window).
 */
export function stripePartition(x: tf.Tensor4D, hs: number, ws: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h / hs, hs, w / ws, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [-1, hs * ws, c]) as tf.Tensor3D;
  });
}

/** CSwin's `windows2img`: `[B·nW, hs·ws, C]` → `[B, H, W, C]`. */
export function stripeReverse(windows: tf.Tensor3D, hs: number, ws: number, h: number, w: number): tf.Tensor4D {
  const c = windows.shape[2];
  const b = windows.shape[0] / ((h / hs) * (w / ws));
  return tf.tidy(() => {
    const t = tf.reshape(windows, [b, h / hs, w / ws, hs, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [b, h, w, c]) as tf.Tensor4D;
  });
}

export interface StripeAttentionOptions {
  /** Heads of this branch. */
  numHeads: number;
  /** LePE's depthwise 3×3 conv (official `get_v`): kernel `[3, 3, c, 1]`, bias `[c]`. */
  lepeKernel: tf.Tensor4D;
  lepeBias: tf.Tensor1D;
  /** Dropout on the attention weights, applied only when `training`. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/**
 * One branch of CSwin's cross-shaped window self-attention with LePE (Dong et al. 2022,
 * Eq. 1–3; official `LePEAttention`): the map is cut into hs×ws stripes, and in each stripe
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d) V + DWConv3×3(V)      (LePE, zero padding at the stripe border)
 *
 * q, k, v `[B, H·W, c]` (row-major on `grid`, this branch's channels) → `[B, H·W, c]`.
 * Each token attends to the hs·ws tokens of its stripe only: O(N·hs·ws·c), never N×N.
 */
export function stripeAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  grid: [number, number],
  [hs, ws]: [number, number],
  options: StripeAttentionOptions,
): tf.Tensor3D {
  const [b, n, c] = q.shape;
  const [h, w] = grid;
  const heads = options.numHeads;
  return tf.tidy(() => {
    const part = (t: tf.Tensor3D) => stripePartition(tf.reshape(t, [b, h, w, c]) as tf.Tensor4D, hs, ws); // [B·nW, hs·ws, c]
    const vw = part(v);
    const logits = tf.mul(tf.matMul(splitHeads(part(q), heads), splitHeads(part(k), heads), false, true), 1 / Math.sqrt(c / heads));
    let a = tf.softmax(logits) as tf.Tensor4D; // [B·nW, heads, hs·ws, hs·ws]
    if (options.training && options.dropout) a = tf.dropout(a, options.dropout, undefined, options.seed) as tf.Tensor4D;
    const attended = mergeHeads(tf.matMul(a, splitHeads(vw, heads))); // [B·nW, hs·ws, c]
    const lepe = tf.add(depthwiseConv2dSame(tf.reshape(vw, [-1, hs, ws, c]) as tf.Tensor4D, options.lepeKernel), options.lepeBias); // [B·nW, hs, ws, c]
    const y = tf.add(attended, tf.reshape(lepe, [-1, hs * ws, c])) as tf.Tensor3D;
    return tf.reshape(stripeReverse(y, hs, ws, h, w), [b, n, c]) as tf.Tensor3D;
  });
}
