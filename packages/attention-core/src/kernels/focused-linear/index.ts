import * as tf from '@tensorflow/tfjs-core';
import { linearAttentionTokensKernel } from '../linear-attention/index.js';
import { fusedBackend, runFused } from '../registry.js';
import { FOCUS, FOCUS_GRAD, type FocusAttrs } from './names.js';
import { focusedEps, focusedLinearReference, focusReference, focusingReference, KERNEL_EPS, realKeyEps, temperature, type FocusedLinearKernelOptions } from './reference.js';
import './wasm.js';
import './webgpu.js';

export { focusedLinearReference, focusReference, focusingReference, KERNEL_EPS, temperature, type FocusedLinearKernelOptions };

/**
 * φ_p(x + pos) of FLatten (Eq. 6 with the official ReLU + 1e-6 and softplus temperature sp), one
 * fused kernel per backend with its gradient (for x, sp and pos), or the stock chain. x `[B, N, C]`,
 * sp `[C]`, pos `[N, C]`. Kernels take an integer p of 1 … 8 and (wasm) C a multiple of 4.
 */
export function focusKernel(x: tf.Tensor3D, sp: tf.Tensor1D, pos: tf.Tensor2D | undefined, p: number): tf.Tensor3D {
  const backend = fusedBackend(FOCUS);
  const c = x.shape[2];
  if (!backend || !(Number.isInteger(p) && p >= 1 && p <= 8) || (backend === 'wasm' && c % 4 !== 0)) return focusReference(x, sp, pos, p);
  const attrs: FocusAttrs = { p };
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xx, s, ps] = args as tf.Tensor[];
    save([xx!, s!, ...(ps ? [ps] : [])]);
    return {
      value: runFused<tf.Tensor3D>(FOCUS, { x: xx!, sp: s!, ...(ps ? { pos: ps } : {}) }, attrs),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, ss, sps] = saved;
        const [dx, dspTerms] = runFused<tf.Tensor[]>(FOCUS_GRAD, { x: sx!, sp: ss!, dy: dy as tf.Tensor, ...(sps ? { pos: sps } : {}) }, attrs);
        const dsp = tf.sum(tf.reshape(dspTerms!, [-1, c]), 0); // Σ over tokens
        dspTerms!.dispose();
        return sps ? [dx!, dsp, tf.sum(dx!, 0)] : [dx!, dsp]; // pos is added to every batch item
      },
    };
  });
  return (pos ? fused(x, sp, pos) : fused(x, sp)) as tf.Tensor3D;
}

/**
 * Focused linear attention (FLatten, Han et al. 2023, Eq. 4 and 6, as the official code computes
 * it between its projections): φ_p(q), φ_p(k + pos) over all C channels by the fused φ kernel,
 * then per head φ(Q)(φ(K)ᵀV) / (φ(Q)·Σφ(K) + n·1e-6) by the linear-attention kernel, reading the
 * heads in place on wasm. Tokens-first q `[B, N, C]`, k, v `[B, n, C]` → `[B, N, C]`.
 */
export function focusedLinearAttentionKernel(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, o: FocusedLinearKernelOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const sp = temperature(q.shape[2], o.scale);
    const phiQ = focusKernel(q, sp, undefined, o.focusingFactor);
    const phiK = focusKernel(k, sp, o.positional, o.focusingFactor);
    const out = linearAttentionTokensKernel(phiQ, phiK, v, o.numHeads, { eps: focusedEps(k.shape[1], o.causal), causal: o.causal, keyPaddingMask: o.keyPaddingMask });
    // Padded keys leave the official mean over keys: ε follows each sample's real keys (realKeyEps).
    return o.keyPaddingMask && !o.causal ? realKeyEps(out, phiQ, phiK, o.keyPaddingMask, o.numHeads) : out;
  });
}
