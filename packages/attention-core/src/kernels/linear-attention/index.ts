import * as tf from '@tensorflow/tfjs-core';
import { mergeHeads, splitHeads } from '../../ops/heads.js';
import { keyPaddingReal } from '../../ops/masks.js';
import { headMatMul } from '../../ops/matmul.js';
import type { Layout } from '../layout.js';
import { fusedBackend, runFused, type KernelBackend } from '../registry.js';
import { LINEAR_ATTENTION, LINEAR_ATTENTION_GRAD, type LinearAttentionAttrs } from './names.js';
import { linearAttentionReference, type LinearAttentionKernelOptions } from './reference.js';
import './wasm.js';
import './webgpu.js';

export { linearAttentionReference, type LinearAttentionKernelOptions };

/** Whether the fused kernel of `backend` takes these widths (wasm's SIMD loops run over multiples of 4 floats). */
function fits(backend: KernelBackend, m: number, dv: number): boolean {
  return backend !== 'wasm' || (m % 4 === 0 && dv % 4 === 0);
}

/**
 * The linear-attention primitive, φ(Q)Σφ(K)ᵀV / (φ(Q)·Σφ(K) + ε) (Katharopoulos et al. 2020,
 * Eq. 5–9), heads-first `[B, H, N, m]`, `[B, H, M, m]`, `[B, H, M, dv]` → `[B, H, N, dv]`: the
 * fused kernel of the active backend (wasm, webgpu) with its gradient, or the stock-op chain.
 * Inputs are assumed checked (core's `linearAttention` checks them).
 */
export function linearAttentionKernel(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, v: tf.Tensor4D, options: LinearAttentionKernelOptions): tf.Tensor4D {
  const backend = fusedBackend(LINEAR_ATTENTION);
  if (!backend || !fits(backend, phiQ.shape[3], v.shape[3])) return linearAttentionReference(phiQ, phiK, v, options);
  return fusedLinear(phiQ, phiK, v, options, 'heads', phiQ.shape[1]);
}

/**
 * The same primitive on tokens-first inputs `[B, N, H·m]`, `[B, M, H·m]`, `[B, M, H·dv]` → `[B, N, H·dv]`
 * (a projection's output as it is): on wasm the kernel reads the heads in place (no transposes);
 * elsewhere the heads are split, the heads-first kernel or stock chain runs, and they are merged.
 */
export function linearAttentionTokensKernel(phiQ: tf.Tensor3D, phiK: tf.Tensor3D, v: tf.Tensor3D, heads: number, options: LinearAttentionKernelOptions): tf.Tensor3D {
  const [m, dv] = [phiQ.shape[2] / heads, v.shape[2] / heads];
  if (fusedBackend(LINEAR_ATTENTION) === 'wasm' && fits('wasm', m, dv)) return fusedLinear(phiQ, phiK, v, options, 'tokens', heads) as tf.Tensor3D;
  return tf.tidy(() => mergeHeads(linearAttentionKernel(splitHeads(phiQ, heads), splitHeads(phiK, heads), splitHeads(v, heads), options)));
}

function fusedLinear<T extends tf.Tensor>(phiQ: T, phiK: T, v: T, options: LinearAttentionKernelOptions, layout: Layout, heads: number): T {
  const attrs: LinearAttentionAttrs = { causal: options.causal ?? false, eps: options.eps, normalise: true, layout, heads };
  const mask = options.keyPaddingMask && (options.keyPaddingMask.dtype === 'float32' ? options.keyPaddingMask : keyPaddingReal(options.keyPaddingMask));
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [q, k, vv, m] = args as tf.Tensor[];
    const inputs = { phiQ: q!, phiK: k!, v: vv!, ...(m ? { mask: m } : {}) };
    const out = runFused<tf.Tensor>(LINEAR_ATTENTION, inputs, attrs);
    save([q!, k!, vv!, out, ...(m ? [m] : [])]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sq, sk, sv, so, sm] = saved as tf.Tensor4D[];
        const grads = tf.getKernel(LINEAR_ATTENTION_GRAD, tf.getBackend())
          ? runFused<tf.Tensor[]>(LINEAR_ATTENTION_GRAD, { phiQ: sq!, phiK: sk!, v: sv!, out: so!, dy: dy as tf.Tensor, ...(sm ? { mask: sm } : {}) }, attrs)
          : linearAttentionGradOps(sq!, sk!, sv!, so!, dy as tf.Tensor4D, sm as tf.Tensor | undefined, attrs);
        return sm ? [...grads, tf.zerosLike(sm)] : grads;
      },
    };
  });
  const out = (mask ? fused(phiQ, phiK, v, mask) : fused(phiQ, phiK, v)) as T;
  if (mask && mask !== options.keyPaddingMask) mask.dispose();
  return out;
}

/** Σ_{j ≤ i} (a_i·b_j) c_j with the fused kernel (no normaliser), or its reverse Σ_{j ≥ i}. */
function causalProduct(a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D, reverse: boolean): tf.Tensor4D {
  const attrs: LinearAttentionAttrs = { causal: true, eps: 0, normalise: false, layout: 'heads', heads: a.shape[1] };
  if (!reverse) return runFused(LINEAR_ATTENTION, { phiQ: a, phiK: b, v: c }, attrs);
  const r = (t: tf.Tensor4D) => tf.reverse(t, 2);
  return r(runFused(LINEAR_ATTENTION, { phiQ: r(a), phiK: r(b), v: r(c) }, attrs));
}

/**
 * The gradient in stock ops around the fused forward kernel (for backends without a fused
 * gradient kernel): with g_i = dy_i/den_i and h_i = −dy_i·out_i/den_i, non-causal
 * dφQ = G Sᵀ + h zᵀ, dφK = V dSᵀ + 1 dzᵀ (dS = φQᵀG, dz = φQᵀh), dV = φK dS; causal, the same
 * sums over j ≤ i as three causal products of [G | h], [V | 1], φK, φQ.
 */
function linearAttentionGradOps(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, out: tf.Tensor4D, dy: tf.Tensor4D, mask: tf.Tensor | undefined, a: LinearAttentionAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    const [b, , keys] = k.shape;
    const keep = mask && tf.reshape(mask, [b, 1, keys, 1]);
    const kk = keep ? (tf.mul(k, keep) as tf.Tensor4D) : k;
    const z = a.causal ? tf.cumsum(kk, 2) : tf.sum(kk, 2, true); // [B, H, N | 1, m]
    const den = tf.add(tf.sum(tf.mul(q, z), -1, true), a.eps); // [B, H, N, 1]
    const g = tf.div(dy, den) as tf.Tensor4D;
    const h = tf.neg(tf.div(tf.sum(tf.mul(dy, out), -1, true), den)) as tf.Tensor4D; // [B, H, N, 1]
    let dq: tf.Tensor, dk: tf.Tensor, dv: tf.Tensor;
    if (!a.causal) {
      const s = headMatMul(kk, v, { transposeA: true }); // [B, H, m, dv]
      dq = tf.add(headMatMul(g, s, { transposeB: true }), tf.mul(h, z));
      const ds = headMatMul(q, g, { transposeA: true }); // [B, H, m, dv]
      const dz = tf.sum(tf.mul(q, h), 2, true); // [B, H, 1, m]
      dk = tf.add(headMatMul(v, ds, { transposeB: true }), dz);
      dv = headMatMul(kk, ds);
    } else {
      const g1 = tf.concat([g, h], 3) as tf.Tensor4D;
      const v1 = tf.concat([v, tf.onesLike(h)], 3) as tf.Tensor4D; // causal: as many keys as queries
      dq = causalProduct(g1, v1, kk, false);
      dk = causalProduct(v1, g1, q, true);
      dv = causalProduct(kk, q, g, true);
    }
    return [dq, keep ? tf.mul(dk, keep) : dk, dv];
  });
}
