import * as tf from '@tensorflow/tfjs-core';

/** `torch.roll(x, shifts=(s, s), dims=(1, 2))` on `[B, H, W, C]`: token (i, j) moves to ((i + s) mod H, (j + s) mod W). */
export function roll2d(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const sh = ((s % h) + h) % h;
  const sw = ((s % w) + w) % w;
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    if (sh) y = tf.concat([tf.slice(y, [0, h - sh, 0, 0], [-1, sh, -1, -1]), tf.slice(y, [0, 0, 0, 0], [-1, h - sh, -1, -1])], 1);
    if (sw) y = tf.concat([tf.slice(y, [0, 0, w - sw, 0], [-1, -1, sw, -1]), tf.slice(y, [0, 0, 0, 0], [-1, -1, w - sw, -1])], 2);
    return sh || sw ? y : tf.clone(y);
  });
}

/** Swin's `window_partition`: `[B, H, W, C]` → `[B·nW, ws·ws, C]`, windows row-major, tokens row-major inside. */
export function windowPartition(x: tf.Tensor4D, ws: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h / ws, ws, w / ws, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [-1, ws * ws, c]) as tf.Tensor3D;
  });
}

/** Swin's `window_reverse`: `[B·nW, ws·ws, C]` → `[B, H, W, C]`. */
export function windowReverse(windows: tf.Tensor3D, ws: number, h: number, w: number): tf.Tensor4D {
  const c = windows.shape[2];
  const b = windows.shape[0] / ((h / ws) * (w / ws));
  return tf.tidy(() => {
    const t = tf.reshape(windows, [b, h / ws, w / ws, ws, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [b, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * For each position of the window layout (window-major, then row-major inside
 * the window) the grid token it holds after the cyclic shift by −s: the
 * permutation that `roll2d(−s)` + `windowPartition` apply to the tokens.
 */
export function windowTokenOrder(h: number, w: number, ws: number, s: number): Int32Array {
  const order = new Int32Array(h * w);
  let p = 0;
  for (let wy = 0; wy < h / ws; wy++) {
    for (let wx = 0; wx < w / ws; wx++) {
      for (let y = 0; y < ws; y++) {
        for (let x = 0; x < ws; x++) {
          const gy = (wy * ws + y + s) % h;
          const gx = (wx * ws + x + s) % w;
          order[p++] = gy * w + gx;
        }
      }
    }
  }
  return order;
}
