import * as tf from '@tensorflow/tfjs-core';
import { keyPaddingReal } from '../../ops/masks.js';
import { fusedBackend, runFused } from '../registry.js';
import { SOFTMAX_ATTENTION, SOFTMAX_ATTENTION_GRAD, type SoftmaxAttentionAttrs } from './names.js';
import { softmaxAttentionReference, softmaxWeightsReference, type SoftmaxAttentionKernelOptions } from './reference.js';
import './wasm.js';
import './webgpu.js';

export { softmaxAttentionReference, softmaxWeightsReference, type SoftmaxAttentionKernelOptions };

/**
 * Softmax attention softmax(q kᵀ·scale + mask) v (Vaswani et al. 2017, Eq. 1), heads-first
 * `[B, H, N, d]`, `[B, H, M, d]`, `[B, H, M, dv]` → `[B, H, N, dv]`, optionally causal and/or
 * banded (`window`: |i − j| ≤ w, the local / sliding-window pattern): the tiled kernel with an
 * online softmax on backends that have it (never N×M in memory; its gradient recomputes the
 * tiles), else the stock-op chain. Dropout in training takes the stock chain (the kernels have
 * no random numbers). Inputs are assumed checked.
 */
export function softmaxAttentionKernel(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: SoftmaxAttentionKernelOptions): tf.Tensor4D {
  // A band wider than the sequence is the whole sequence: clamp it to max(N, M) − 1 (the same
  // result), so the blocked path is O(N²) at most, never O(N·w), and the kernels compile one
  // shader per length rather than one per window.
  if (o.window !== undefined && o.window >= 0) o = { ...o, window: clampWindow(o.window, q.shape[2], k.shape[2]) };
  const dropping = o.training === true && (o.dropout ?? 0) > 0;
  if (dropping || !fusedBackend(SOFTMAX_ATTENTION)) return softmaxAttentionReference(q, k, v, o);
  const attrs: SoftmaxAttentionAttrs = { scale: o.scale, causal: o.causal ?? false, window: o.window ?? -1, layout: 'heads', heads: q.shape[1] };
  const mask = o.keyPaddingMask && (o.keyPaddingMask.dtype === 'float32' ? o.keyPaddingMask : keyPaddingReal(o.keyPaddingMask));
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [qq, kk, vv, m] = args as tf.Tensor4D[];
    const [out, stats] = runFused<tf.Tensor[]>(SOFTMAX_ATTENTION, { q: qq!, k: kk!, v: vv!, ...(m ? { mask: m } : {}) }, attrs);
    save([qq!, kk!, vv!, out!, stats!, ...(m ? [m] : [])]); // saved under a tape as clones
    stats!.dispose();
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sq, sk, sv, so, ss, sm] = saved as tf.Tensor4D[];
        const grads = runFused<tf.Tensor[]>(SOFTMAX_ATTENTION_GRAD, { q: sq!, k: sk!, v: sv!, out: so!, stats: ss!, dy: dy as tf.Tensor, ...(sm ? { mask: sm } : {}) }, attrs);
        return sm ? [...grads, tf.zerosLike(sm)] : grads;
      },
    };
  });
  const out = (mask ? fused(q, k, v, mask) : fused(q, k, v)) as tf.Tensor4D;
  if (mask && mask !== o.keyPaddingMask) mask.dispose();
  return out;
}

/** A band |i − j| ≤ w over N queries and M keys: w past max(N, M) − 1 covers every pair, so it is that. */
function clampWindow(w: number, n: number, m: number): number {
  return Math.min(w, Math.max(n, m, 1) - 1);
}
