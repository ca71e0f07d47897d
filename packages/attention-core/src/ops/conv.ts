import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '../errors.js';

/**
 * Whether the active backend can differentiate `tf.depthwiseConv2d`. tfjs-backend-wasm
 * (4.22) has the forward kernel but neither backprop kernel, so training through a
 * depthwise conv there fails with "Kernel 'DepthwiseConv2dNativeBackpropInput' not registered".
 */
function hasDepthwiseGrad(): boolean {
  const b = tf.getBackend();
  return !!tf.getKernel('DepthwiseConv2dNativeBackpropInput', b) && !!tf.getKernel('DepthwiseConv2dNativeBackpropFilter', b);
}

/**
 * Depthwise k×k convolution, stride 1, zero padding k//2 ("same" for odd k):
 * x `[B, H, W, C]`, filter `[k, k, C, 1]` → `[B, H, W, C]`. Uses the backend's
 * kernel where it has gradients; elsewhere (wasm) the forward kernel with a custom
 * gradient: the same sum as k² shifted slices of the padded input times the taps
 * (pad, slice, mul and add, which every backend can differentiate), differentiated.
 */
export function depthwiseConv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, mult] = filter.shape;
  if (kh % 2 !== 1 || kw % 2 !== 1 || mult !== 1 || c !== x.shape[3]) {
    throw new AttentionInputError(
      `depthwiseConv2dSame: filter must be [k, k, C=${x.shape[3]}, 1] with odd k, got [${filter.shape.join(', ')}]`,
    );
  }
  if (hasDepthwiseGrad()) return tf.depthwiseConv2d(x, filter, 1, 'same');
  // wasm: the forward kernel exists and is far faster than k² strided slices; the
  // gradient is written out (the backend has no backprop kernels):
  //   ∂x = dy ⋆ (filter rotated 180°), same padding       (a forward depthwise conv)
  //   ∂filter[i, j, c] = Σ_{b,y,x} x_pad[b, y+i, x+j, c] · dy[b, y, x, c]
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, f, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([a, f]);
    return {
      value: tf.depthwiseConv2d(a, f, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sf] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [tf.depthwiseConv2d(dy as tf.Tensor4D, tf.reverse(sf, [0, 1]), 1, 'same'), filterGrad(sa, dy as tf.Tensor4D, kh, kw)];
      },
    };
  });
  return conv(x, filter) as tf.Tensor4D;
}

/** ∂L/∂filter of a same-padded stride-1 depthwise conv: one shifted-slice product summed per tap → `[kh, kw, C, 1]`. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const [ph, pw] = [(kh - 1) / 2, (kw - 1) / 2];
    const padded = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) taps.push(tf.sum(tf.mul(tf.slice(padded, [0, i, j, 0], [b, h, w, c]), dy), [0, 1, 2]));
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, 1]) as tf.Tensor4D;
  });
}

/**
 * Convolution whose stride equals its kernel size, "valid" padding — the
 * patch embedding of ViTs, the spatial reduction of PVT (`sr_ratio`), the
 * strided compression of memory-compressed attention (a `[1, c]` kernel):
 * x `[B, H, W, Cin]`, kernel `[sh, sw, Cin, Cout]` → `[B, ⌊H/sh⌋, ⌊W/sw⌋, Cout]`.
 * Non-overlapping patches make it one reshape and one matMul, which every
 * backend differentiates (wasm has no Conv2DBackpropFilter) and which is
 * faster than a general conv on the cpu and wasm backends.
 */
export function patchConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const [sh, sw, cin, cout] = kernel.shape;
  if (cin !== x.shape[3]) {
    throw new AttentionInputError(`patchConv2d: kernel must be [sh, sw, Cin=${x.shape[3]}, Cout], got [${kernel.shape.join(', ')}]`);
  }
  const [b, h, w] = x.shape;
  const [oh, ow] = [Math.floor(h / sh), Math.floor(w / sw)];
  if (oh === 0 || ow === 0) throw new AttentionInputError(`patchConv2d: a ${h}×${w} map is smaller than the ${sh}×${sw} kernel`);
  return tf.tidy(() => {
    const cropped = oh * sh === h && ow * sw === w ? x : tf.slice(x, [0, 0, 0, 0], [b, oh * sh, ow * sw, cin]);
    // [B·oh, sh, ow, sw·Cin] → [B·oh, ow, sh, sw·Cin]: each patch's values in the kernel's (dy, dx, c) order.
    // Rank 4 throughout, which every backend's transpose supports.
    const patches = tf.transpose(tf.reshape(cropped, [b * oh, sh, ow, sw * cin]), [0, 2, 1, 3]);
    const y = tf.matMul(tf.reshape(patches, [b * oh * ow, sh * sw * cin]), tf.reshape(kernel, [sh * sw * cin, cout]));
    return tf.reshape(y, [b, oh, ow, cout]) as tf.Tensor4D;
  });
}
