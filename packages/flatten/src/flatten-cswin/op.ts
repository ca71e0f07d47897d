import * as tf from '@tensorflow/tfjs-core';
import { depthwiseConv2dSame } from '@attention-zoo/attention-core/ops';

/** Kernel of CSwin's LePE (`get_v = Conv2d(C, C, 3, padding=1, groups=C)`). */
export const LEPE_KERNEL = 3;

/**
 * CSwin's locally-enhanced positional encoding (Dong et al. 2022, Eq. 3), LePE(V) = DWConv3×3(V)
 * with bias, zero padding, over all C channels of the value map:
 * v `[B, H·W, C]` (row-major on `grid`), kernel `[3, 3, C, 1]`, bias `[C]` → `[B, H·W, C]`.
 */
export function lepe(v: tf.Tensor3D, kernel: tf.Tensor4D, bias: tf.Tensor1D, grid: [number, number]): tf.Tensor3D {
  const [b, n, c] = v.shape;
  return tf.tidy(() => {
    const map = tf.reshape(v, [b, grid[0], grid[1], c]) as tf.Tensor4D; // [B, H, W, C]
    return tf.reshape(tf.add(depthwiseConv2dSame(map, kernel), bias), [b, n, c]) as tf.Tensor3D;
  });
}
