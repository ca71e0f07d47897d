import * as tf from '@tensorflow/tfjs-core';

/**
 * PyTorch's `nn.Conv2d(k, stride, padding)` on NHWC maps: symmetric zero padding `pad`
 * on both sides, then a 'valid' convolution, plus bias. Kernel `[k, k, in, out]`.
 */
export function conv2dTorch(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | undefined, stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    const y = tf.conv2d(padded, kernel, stride, 'valid');
    return (bias ? tf.add(y, bias) : y) as tf.Tensor4D;
  });
}

/** Output side of `nn.Conv2d(k, stride, padding)` on a side of `n`: ⌊(n + 2p − k)/s⌋ + 1. */
export function convOut(n: number, k: number, stride: number, pad: number): number {
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}
