import * as tf from '@tensorflow/tfjs-core';
import { dwcBranch, type DwcOptions } from '../shared/dwc.js';

/**
 * FLatten's rank-restoration branch (Han et al. 2023, Eq. 12) in a model with class tokens:
 * DWC(V) over the patch tokens laid out on `options.grid`; the class tokens have no place on
 * the grid, so they get no DWC term (zeros) and do not enter the patches' conv.
 * v `[B, cls + H·W, C]` (class tokens first), kernel `[k, k, d, 1]`, bias `[d]` → `[B, cls + H·W, C]`.
 */
export function patchDwcBranch(v: tf.Tensor3D, clsTokens: number, kernel: tf.Tensor4D, bias: tf.Tensor1D | undefined, options: DwcOptions): tf.Tensor3D {
  if (clsTokens === 0) return dwcBranch(v, kernel, bias, options);
  const [b, t, c] = v.shape;
  return tf.tidy(() => {
    const patches = tf.slice(v, [0, clsTokens, 0], [b, t - clsTokens, c]) as tf.Tensor3D; // [B, H·W, C]
    return tf.concat([tf.zeros([b, clsTokens, c]), dwcBranch(patches, kernel, bias, options)], 1) as tf.Tensor3D;
  });
}
