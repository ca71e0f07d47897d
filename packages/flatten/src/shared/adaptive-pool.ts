import * as tf from '@tensorflow/tfjs-core';

/** `[out, n]` averaging matrix of PyTorch's adaptive pooling: bin i covers [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). */
function poolMatrix(n: number, out: number): tf.Tensor2D {
  const m = new Float32Array(out * n);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out);
    const end = Math.ceil(((i + 1) * n) / out);
    for (let j = start; j < end; j++) m[i * n + j] = 1 / (end - start);
  }
  return tf.tensor2d(m, [out, n]);
}

/** `nn.AdaptiveAvgPool2d(out)` on NHWC: `[B, H, W, C]` → `[B, out, out, C]`, as two small matrix products. */
export function adaptiveAvgPool2d(x: tf.Tensor4D, out: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const ph = poolMatrix(h, out); // [out, H]
    const pw = poolMatrix(w, out); // [out, W]
    const rows = tf.matMul(tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [b * w * c, h]), ph, false, true); // [B·W·C, out]
    const t = tf.transpose(tf.reshape(rows, [b, w, c, out]), [0, 3, 2, 1]); // [B, out, C, W]
    const cols = tf.matMul(tf.reshape(t, [b * out * c, w]), pw, false, true); // [B·out·C, out]
    return tf.transpose(tf.reshape(cols, [b, out, c, out]), [0, 1, 3, 2]) as tf.Tensor4D; // [B, out, out, C]
  });
}
