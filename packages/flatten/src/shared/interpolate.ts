import * as tf from '@tensorflow/tfjs-core';

/**
 * Source taps of PyTorch's `F.interpolate(mode='linear', align_corners=False)`
 * from n to size samples: x = max((i + ½)·n/size − ½, 0), i0 = ⌊x⌋,
 * i1 = min(i0 + 1, n − 1), λ = x − i0.
 */
export function linearTaps(n: number, size: number): { i0: Int32Array; i1: Int32Array; lambda: Float32Array } {
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const lambda = new Float32Array(size);
  const scale = n / size;
  for (let i = 0; i < size; i++) {
    const x = Math.max((i + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(x), n - 1);
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, n - 1);
    lambda[i] = x - lo;
  }
  return { i0, i1, lambda };
}

/**
 * Resamples `[B, h, n, d]` to `[B, h, size, d]` along the token axis by 1-D
 * linear interpolation, as the official FLatten-PVT code does to V before the
 * DWC when `sr_ratio > 1` (over the flattened token axis, not 2-D bilinear).
 */
export function interpolateTokens(v: tf.Tensor4D, size: number): tf.Tensor4D {
  const n = v.shape[2];
  if (n === size) return tf.clone(v);
  const { i0, i1, lambda } = linearTaps(n, size);
  return tf.tidy(() => {
    const a = tf.gather(v, tf.tensor1d(i0, 'int32'), 2); // [B, h, size, d]
    const b = tf.gather(v, tf.tensor1d(i1, 'int32'), 2);
    const l = tf.reshape(tf.tensor1d(lambda), [1, 1, size, 1]);
    return tf.add(a, tf.mul(tf.sub(b, a), l)) as tf.Tensor4D; // (1 − λ)·v[i0] + λ·v[i1]
  });
}
