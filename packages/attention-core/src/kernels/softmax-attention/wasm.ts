import type * as tf from '@tensorflow/tfjs-core';
import { headOffset, headView, layoutShape } from '../layout.js';
import { registerFused } from '../registry.js';
import { WasmHeap } from '../wasm/heap.js';
import { wasmKernels, type WasmBackendLike } from '../wasm/module.js';
import { SOFTMAX_ATTENTION, SOFTMAX_ATTENTION_GRAD, type SoftmaxAttentionAttrs } from './names.js';

// assembly/flash.ts per (batch, head): tiles of 64 queries × 64 keys, online softmax; the band and
// causal limits skip whole tiles, so banded attention costs O(N·w) and nothing is N×M.

/** Tile sizes of assembly/flash.ts (BR queries × BC keys). */
const BR = 64;
const BC = 64;

/** Keys rounded up to whole tiles (the packed Kᵀ, Vᵀ). */
const tiled = (keys: number) => Math.ceil(keys / BC) * BC;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function setup({ inputs, backend, attrs }: KernelArgs) {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const a = attrs as unknown as SoftmaxAttentionAttrs;
  const [q, k, v, mask] = [inputs['q']!, inputs['k']!, inputs['v']!, inputs['mask']];
  const Q = headView(q.shape, a.layout, a.heads);
  const K = headView(k.shape, a.layout, a.heads);
  const V = headView(v.shape, a.layout, a.heads);
  /** The additive key bias of batch item bi, [keys + 4] (0, or −inf for a padded key; padded to whole vectors); 0 = no mask. */
  const bias = mask ? heap.scratch(K.tokens + 4) : 0;
  const biasOf = (bi: number): number => {
    if (!mask) return 0;
    const f = b.wasm.HEAPF32;
    const at = bias >>> 2;
    f.fill(0, at, at + K.tokens + 4);
    const m = heap.offset(mask) >>> 2;
    for (let j = 0; j < K.tokens; j++) if (f[m + bi * K.tokens + j] === 0) f[at + j] = -Infinity;
    return bias;
  };
  return { b, heap, a, q, k, v, Q, K, V, biasOf };
}

function forward(args: KernelArgs): tf.TensorInfo[] {
  const { heap, a, q, k, v, Q, K, V, biasOf } = setup(args);
  const out = heap.output(layoutShape(a.layout, Q.batch, Q.heads, Q.tokens, V.width));
  const O = headView(out.info.shape, a.layout, a.heads);
  const stats = heap.output([Q.batch, Q.heads, Q.tokens, 2]);
  try {
    const kt = heap.scratch(K.width * tiled(K.tokens));
    const s = heap.scratch(BR * BC);
    const acc = heap.scratch(BR * V.width);
    const rowStats = heap.scratch(2 * BR);
    const [qp, kp, vp] = [heap.offset(q), heap.offset(k), heap.offset(v)];
    for (let bi = 0; bi < Q.batch; bi++) {
      const bias = biasOf(bi);
      for (let h = 0; h < Q.heads; h++) {
        heap.k.flashForward(
          qp + 4 * headOffset(Q, bi, h), Q.sT, kp + 4 * headOffset(K, bi, h), K.sT, vp + 4 * headOffset(V, bi, h), V.sT,
          out.ptr + 4 * headOffset(O, bi, h), O.sT, stats.ptr + 8 * (bi * Q.heads + h) * Q.tokens,
          Q.tokens, K.tokens, Q.width, V.width, a.scale, a.causal ? 1 : 0, a.window, bias, kt, s, acc, rowStats,
        );
      }
    }
  } finally {
    heap.release();
  }
  return [out.info, stats.info];
}

function backward(args: KernelArgs): tf.TensorInfo[] {
  const { heap, a, q, k, v, Q, K, V, biasOf } = setup(args);
  const { inputs } = args;
  const O = headView(inputs['out']!.shape, a.layout, a.heads);
  const dq = heap.output(q.shape);
  const dk = heap.output(k.shape);
  const dv = heap.output(v.shape);
  try {
    for (const t of [dq, dk, dv]) heap.k.zeroRows(t.ptr, 0, 1, t.info.shape.reduce((x, y) => x * y, 1));
    const kt = heap.scratch(K.width * tiled(K.tokens));
    const vt = heap.scratch(V.width * tiled(K.tokens));
    const p = heap.scratch(BR * BC);
    const dp = heap.scratch(BR * BC);
    const delta = heap.scratch(BR);
    const [qp, kp, vp, op, dyp, sp] = [q, k, v, inputs['out']!, inputs['dy']!, inputs['stats']!].map((t) => heap.offset(t)) as number[];
    for (let bi = 0; bi < Q.batch; bi++) {
      const bias = biasOf(bi);
      for (let h = 0; h < Q.heads; h++) {
        heap.k.flashBackward(
          qp! + 4 * headOffset(Q, bi, h), Q.sT, kp! + 4 * headOffset(K, bi, h), K.sT, vp! + 4 * headOffset(V, bi, h), V.sT,
          op! + 4 * headOffset(O, bi, h), O.sT, dyp! + 4 * headOffset(O, bi, h), O.sT, sp! + 8 * (bi * Q.heads + h) * Q.tokens,
          dq.ptr + 4 * headOffset(Q, bi, h), Q.sT, dk.ptr + 4 * headOffset(K, bi, h), K.sT, dv.ptr + 4 * headOffset(V, bi, h), V.sT,
          Q.tokens, K.tokens, Q.width, V.width, a.scale, a.causal ? 1 : 0, a.window, bias, kt, vt, p, dp, delta,
        );
      }
    }
  } finally {
    heap.release();
  }
  return [dq.info, dk.info, dv.info];
}

registerFused(SOFTMAX_ATTENTION, 'wasm', forward as unknown as tf.KernelFunc);
registerFused(SOFTMAX_ATTENTION_GRAD, 'wasm', backward as unknown as tf.KernelFunc);
