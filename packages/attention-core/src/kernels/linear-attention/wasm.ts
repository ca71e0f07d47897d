import type * as tf from '@tensorflow/tfjs-core';
import { headOffset, headView, layoutShape, type Layout } from '../layout.js';
import { registerFused } from '../registry.js';
import { WasmHeap } from '../wasm/heap.js';
import { wasmKernels, type WasmBackendLike } from '../wasm/module.js';
import { LINEAR_ATTENTION, LINEAR_ATTENTION_GRAD, type LinearAttentionAttrs } from './names.js';

// WebAssembly SIMD (assembly/linear.ts, assembly/gemm.ts) on the wasm backend's own memory: per
// (batch, head), non-causal: S = φ(K)ᵀV, z = Σφ(K) (two passes over the keys), out = φ(Q)S / (φ(Q)·z + ε);
// causal: one register-tiled scan over the tokens (the state is never stored) and a running z.

interface Inputs {
  heap: WasmHeap;
  attrs: LinearAttentionAttrs;
  q: tf.TensorInfo;
  k: tf.TensorInfo;
  v: tf.TensorInfo;
  mask?: tf.TensorInfo;
}

/** Per-head pointers and strides (bytes for pointers, floats for strides) of q, k, v and a key mask. */
function views({ heap, attrs, q, k, v }: Inputs) {
  const Q = headView(q.shape, attrs.layout, attrs.heads);
  const K = headView(k.shape, attrs.layout, attrs.heads);
  const V = headView(v.shape, attrs.layout, attrs.heads);
  const [qp, kp, vp] = [q, k, v].map((t) => heap.offset(t)) as [number, number, number];
  return { Q, K, V, qp, kp, vp };
}

/** φ(k) of head (b, h), with padded keys zeroed into `kk` when there is a mask: [pointer, row stride]. */
function keysOf(x: Inputs, kp: number, ks: number, b: number, kk: number, keys: number, m: number): [number, number] {
  if (!x.mask) return [kp, ks];
  x.heap.k.scaleRows(kp, ks, x.heap.offset(x.mask) + 4 * b * keys, kk, keys, m);
  return [kk, m];
}

function forward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const a = attrs as unknown as LinearAttentionAttrs;
  const x: Inputs = { heap, attrs: a, q: inputs['phiQ']!, k: inputs['phiK']!, v: inputs['v']!, mask: inputs['mask'] };
  const { Q, K, V, qp, kp, vp } = views(x);
  const [n, keys, m, dv] = [Q.tokens, K.tokens, Q.width, V.width];
  const out = heap.output(layoutShape(a.layout, Q.batch, Q.heads, n, dv));
  const O = headView(out.info.shape, a.layout, a.heads);
  const k = heap.k;
  try {
    const s = heap.scratch(m * dv);
    const z = heap.scratch(m);
    const den = heap.scratch(n);
    const kk = x.mask ? heap.scratch(keys * m) : 0;
    for (let bi = 0; bi < Q.batch; bi++) {
      for (let h = 0; h < Q.heads; h++) {
        const qh = qp + 4 * headOffset(Q, bi, h);
        const vh = vp + 4 * headOffset(V, bi, h);
        const oh = out.ptr + 4 * headOffset(O, bi, h);
        const [kh, ks] = keysOf(x, kp + 4 * headOffset(K, bi, h), K.sT, bi, kk, keys, m);
        if (!a.causal) {
          k.gemm(kh, 1, ks, vh, V.sT, s, dv, m, dv, keys, 0, 0); // S = φ(K)ᵀ V  [m, dv]
          k.gemm(qh, Q.sT, 1, s, dv, oh, O.sT, n, dv, m, 0, 0); // φ(Q) S      [n, dv]
          if (a.normalise) k.sumRows(kh, ks, z, keys, m); // z = Σ_j φ(k_j)
        } else {
          k.zeroRows(oh, O.sT, n, dv);
          k.scan(qh, Q.sT, kh, ks, vh, V.sT, oh, O.sT, n, m, dv, 0); // Σ_{j ≤ i} (φq_i·φk_j) v_j
        }
        if (a.normalise) {
          k.denominators(qh, Q.sT, kh, ks, z, den, n, m, a.eps, a.causal ? 1 : 0);
          k.divideRows(oh, O.sT, den, n, dv);
        }
      }
    }
  } finally {
    heap.release();
  }
  return out.info;
}

/**
 * Gradients of out = φ(Q)Σφ(K)ᵀV / (φ(Q)·Σφ(K) + ε). With g_i = dy_i/den_i, h_i = −dy_i·out_i/den_i:
 * non-causal, dφQ = G Sᵀ + h zᵀ, dφK = V dSᵀ + 1 dzᵀ with dS = φQᵀG, dz = φQᵀh, dV = φK dS;
 * causal, the same sums restricted to j ≤ i, as three scans over [G | h] and [V | 1]:
 * dφQ = scan(G1, V1, φK), dφK = reverse scan(V1, G1, φQ), dV = reverse scan(φK, φQ, G).
 */
function backward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const a = attrs as unknown as LinearAttentionAttrs;
  const x: Inputs = { heap, attrs: a, q: inputs['phiQ']!, k: inputs['phiK']!, v: inputs['v']!, mask: inputs['mask'] };
  const { Q, K, V, qp, kp, vp } = views(x);
  const Out = headView(inputs['out']!.shape, a.layout, a.heads);
  const [outp, dyp] = [heap.offset(inputs['out']!), heap.offset(inputs['dy']!)];
  const [n, keys, m, dv] = [Q.tokens, K.tokens, Q.width, V.width];
  const dq = heap.output(x.q.shape);
  const dk = heap.output(x.k.shape);
  const dvo = heap.output(x.v.shape);
  const k = heap.k;
  try {
    const w1 = dv + 4; // [G | h | 0 0 0] and [V | 1 | 0 0 0]: widths stay multiples of 4
    const g1 = heap.scratch(n * w1);
    const den = heap.scratch(n);
    const z = heap.scratch(Math.max(m, 4));
    const kk = x.mask ? heap.scratch(keys * m) : 0;
    const s = heap.scratch(m * dv);
    const st = heap.scratch(m * dv);
    const v1 = a.causal ? heap.scratch(keys * w1) : 0;
    const dz = heap.scratch(m);
    const one = heap.scratch(1);
    b.wasm.HEAPF32[one >>> 2] = 1;
    for (let bi = 0; bi < Q.batch; bi++) {
      for (let h = 0; h < Q.heads; h++) {
        const qh = qp + 4 * headOffset(Q, bi, h);
        const vh = vp + 4 * headOffset(V, bi, h);
        const oh = outp + 4 * headOffset(Out, bi, h);
        const dyh = dyp + 4 * headOffset(Out, bi, h);
        const dqh = dq.ptr + 4 * headOffset(Q, bi, h);
        const dkh = dk.ptr + 4 * headOffset(K, bi, h);
        const dvh = dvo.ptr + 4 * headOffset(V, bi, h);
        const [kh, ks] = keysOf(x, kp + 4 * headOffset(K, bi, h), K.sT, bi, kk, keys, m);
        if (!a.causal) k.sumRows(kh, ks, z, keys, m);
        k.denominators(qh, Q.sT, kh, ks, z, den, n, m, a.eps, a.causal ? 1 : 0);
        k.zeroRows(g1, w1, n, w1);
        k.gradTerms(dyh, Out.sT, oh, Out.sT, den, g1, w1, g1 + 4 * dv, w1, n, dv); // G and h side by side
        if (!a.causal) {
          const h1 = g1 + 4 * dv;
          k.gemm(kh, 1, ks, vh, V.sT, s, dv, m, dv, keys, 0, 0); // S = φKᵀV [m, dv]
          k.transpose(s, dv, st, m, m, dv); // Sᵀ [dv, m]
          k.gemm(g1, w1, 1, st, m, dqh, Q.sT, n, m, dv, 0, 0); // dφQ = G Sᵀ
          k.addOuter(dqh, Q.sT, h1, w1, z, n, m); //        + h zᵀ
          k.gemm(qh, 1, Q.sT, g1, w1, s, dv, m, dv, n, 0, 0); // dS = φQᵀ G [m, dv]
          k.gemm(qh, 1, Q.sT, h1, w1, dz, 1, m, 1, n, 0, 0); // dz = φQᵀ h [m]
          k.transpose(s, dv, st, m, m, dv); // dSᵀ [dv, m]
          k.gemm(vh, V.sT, 1, st, m, dkh, K.sT, keys, m, dv, 0, 0); // dφK = V dSᵀ
          k.addOuter(dkh, K.sT, one, 0, dz, keys, m); //        + 1 dzᵀ
          k.gemm(kh, ks, 1, s, dv, dvh, V.sT, keys, dv, m, 0, 0); // dV = φK dS
        } else {
          k.withOnes(vh, V.sT, v1, keys, dv);
          k.zeroRows(dqh, Q.sT, n, m);
          k.scan(g1, w1, v1, w1, kh, ks, dqh, Q.sT, n, w1, m, 0); // dφQ_i = Σ_{j≤i} (G1_i·V1_j) φk_j
          k.zeroRows(dkh, K.sT, keys, m);
          k.scan(v1, w1, g1, w1, qh, Q.sT, dkh, K.sT, keys, w1, m, 1); // dφK_j = Σ_{i≥j} (V1_j·G1_i) φq_i
          k.zeroRows(dvh, V.sT, keys, dv);
          k.scan(kh, ks, qh, Q.sT, g1, w1, dvh, V.sT, keys, m, dv, 1); // dV_j = Σ_{i≥j} (φk_j·φq_i) g_i
        }
        if (x.mask) k.scaleRows(dkh, K.sT, heap.offset(x.mask) + 4 * bi * keys, dkh, keys, m); // padded keys: no gradient
      }
    }
  } finally {
    heap.release();
  }
  return [dq.info, dk.info, dvo.info];
}

registerFused(LINEAR_ATTENTION, 'wasm', forward as unknown as tf.KernelFunc);
registerFused(LINEAR_ATTENTION_GRAD, 'wasm', backward as unknown as tf.KernelFunc);

export type { Layout };
