import * as tf from '@tensorflow/tfjs-core';

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
