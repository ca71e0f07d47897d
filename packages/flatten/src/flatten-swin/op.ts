import * as tf from '@tensorflow/tfjs-core';
import { windowTokenOrder, type SwinWindow } from '@attention-zoo/attention-core/ops';

/**
 * The weights of windowed attention as one `[B, h, N, N]` matrix in grid token order:
 * the per-window weights `a` `[B·nW, h, ws², ws²]` (windows of the grid shifted by −shift,
 * as `tokensToWindows` cuts them) on the block diagonal, zero between tokens of different
 * windows. Dense, for `attentionMap` at small N.
 */
export function windowedMap(a: tf.Tensor4D, grid: [number, number], { window, shift }: SwinWindow): tf.Tensor4D {
  const [gh, gw] = grid;
  const n = gh * gw;
  const ws2 = window * window;
  const nw = n / ws2;
  const [bnw, heads] = a.shape;
  const b = bnw / nw;
  return tf.tidy(() => {
    const blocks = tf.transpose(tf.reshape(a, [b, nw, heads, ws2, ws2]), [0, 2, 1, 3, 4]); // [B, h, nW, ws², ws²]
    const eye = tf.reshape(tf.eye(nw), [1, 1, nw, 1, nw, 1]);
    const full = tf.reshape(tf.mul(tf.expandDims(blocks, 4), eye), [b, heads, n, n]); // [B, h, nW·ws², nW·ws²] in window order
    // Window order → grid order: grid token order[p] sits at window position p.
    const order = windowTokenOrder(gh, gw, window, shift);
    const inverse = new Int32Array(n);
    order.forEach((g, p) => (inverse[g] = p));
    const idx = tf.tensor1d(inverse, 'int32');
    return tf.gather(tf.gather(full, idx, 2), idx, 3) as tf.Tensor4D;
  });
}
