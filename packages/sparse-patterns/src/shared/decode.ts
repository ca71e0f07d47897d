import * as tf from '@tensorflow/tfjs-core';
import { headMatMul, maskedSoftmaxParts } from '@attention-zoo/attention-core/ops';

/**
 * What a causal sparse pattern needs to decode one token at a time:
 * - `reach`: the sliding buffer's length L — token t may see keys t − L … t there; undefined
 *   when the pattern reaches back without bound (then every key is kept: a cache);
 * - `globals`: positions whose keys every later query sees, kept beside the buffer once they
 *   slide out of it (Longformer's global tokens);
 * - `allows(i, j, head)`: the pattern itself, as `SparseAttention.allows`.
 */
export interface DecodeLayout {
  reach: number | undefined;
  globals: readonly number[];
  allows: (i: number, j: number, head: number) => boolean;
}

/** The buffers before the first token: a zeroed window `[B, H, L, d]` (or an empty cache) and the global keys' slots. */
export function initialSparseState(layout: DecodeLayout, batch: number, heads: number, d: number): Record<string, tf.Tensor> {
  const buf = (n: number): tf.Tensor4D => tf.zeros([batch, heads, n, d]);
  const state: Record<string, tf.Tensor> = { k: buf(layout.reach ?? 0), v: buf(layout.reach ?? 0) };
  if (layout.globals.length > 0) Object.assign(state, { gk: buf(layout.globals.length), gv: buf(layout.globals.length) });
  return state;
}

/** `[1, H, 1, n]` 0/1: whether query t of each head keeps the key at each position (−1: an empty slot). */
function keepOf(layout: DecodeLayout, t: number, positions: number[], heads: number): tf.Tensor4D {
  const m = new Float32Array(heads * positions.length);
  for (let h = 0; h < heads; h++) {
    positions.forEach((p, s) => (m[h * positions.length + s] = p >= 0 && p <= t && layout.allows(t, p, h) ? 1 : 0));
  }
  return tf.tensor4d(m, [1, heads, 1, positions.length]);
}

/**
 * One query of a causal sparse pattern (one softmax over its allowed keys, as the parallel
 * op): q, k, v `[B, H, 1, d]` of token t; the buffer gains k, v (and drops its oldest), a
 * global position's k, v are also kept in its slot. O((L + g)·d) per token.
 */
export function sparseStep(
  layout: DecodeLayout,
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  state: Readonly<Record<string, tf.Tensor>>,
  t: number,
  scale: number,
): { out: tf.Tensor4D; tensors: Record<string, tf.Tensor> } {
  const heads = q.shape[1];
  const keys = tf.concat([state['k'] as tf.Tensor4D, k], 2); // [B, H, L+1, d]: positions t − L … t (cache: 0 … t)
  const values = tf.concat([state['v'] as tf.Tensor4D, v], 2);
  const n = keys.shape[2];
  const positions = Array.from({ length: n }, (_, s) => t - n + 1 + s);
  const logits = [tf.mul(headMatMul(q, keys, { transposeB: true }), scale)]; // [B, H, 1, L+1]
  const keeps = [keepOf(layout, t, positions, heads)];
  const sources = [values];
  const tensors: Record<string, tf.Tensor> = layout.reach === undefined
    ? { k: keys, v: values }
    : { k: tf.slice(keys, [0, 0, 1, 0], [-1, -1, n - 1, -1]), v: tf.slice(values, [0, 0, 1, 0], [-1, -1, n - 1, -1]) };
  if (layout.globals.length > 0) {
    const g = layout.globals;
    // A global key counts from here only once it has left the window (else it is there already).
    const gPos = g.map((p) => (p < t - n + 1 ? p : -1));
    logits.push(tf.mul(headMatMul(q, state['gk'] as tf.Tensor4D, { transposeB: true }), scale));
    keeps.push(keepOf(layout, t, gPos, heads));
    sources.push(state['gv'] as tf.Tensor4D);
    const slot = g.indexOf(t);
    const put = (buf: tf.Tensor, x: tf.Tensor4D) => {
      if (slot < 0) return buf;
      const oneHot = tf.reshape(tf.oneHot(slot, g.length), [1, 1, g.length, 1]);
      return tf.add(tf.mul(buf, tf.sub(1, oneHot)), tf.mul(x, oneHot)); // slot ← this token
    };
    tensors['gk'] = put(state['gk']!, k);
    tensors['gv'] = put(state['gv']!, v);
  }
  const weights = maskedSoftmaxParts(logits, keeps); // one softmax over window and globals together
  const out = weights.map((w, i) => headMatMul(w as tf.Tensor4D, sources[i]!)).reduce((a, b) => tf.add(a, b)) as tf.Tensor4D; // [B, H, 1, d]
  return { out, tensors };
}
