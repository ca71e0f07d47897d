import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { WasmHeap } from '../wasm/heap.js';
import { wasmKernels, type WasmBackendLike } from '../wasm/module.js';
import { DENSE, DENSE_GRAD } from './names.js';

// y = x W + b with the kernels' GEMM (assembly/gemm.ts, 4×8 register tiles; 45 GFLOP/s against
// XNNPACK's 34 on the projections' [N, 128]·[128, 128] here), in column panels so a panel of W
// (in × 512 floats at most) stays in cache while every row of x passes.

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** Columns per panel: W's panel at most 256 KiB. */
const panel = (rows: number) => Math.max(8, Math.min(512, Math.floor(65536 / rows / 8) * 8));

/** c[m×n] = a·b in column panels of b (row-major b, row stride ldb). */
function gemmPanels(heap: WasmHeap, a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number, bias: number): void {
  const w = panel(k);
  for (let j = 0; j < n; j += w) {
    const cols = Math.min(w, n - j);
    heap.k.gemm(a, ars, acs, b + 4 * j, ldb, c + 4 * j, ldc, m, cols, k, 0, bias ? bias + 4 * j : 0);
  }
}

function forward({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const [x, w, bias] = [inputs['x']!, inputs['w']!, inputs['bias']];
  const [rows, din] = x.shape as [number, number];
  const dout = w.shape[1]!;
  const y = heap.output([rows, dout]);
  gemmPanels(heap, heap.offset(x), din, 1, heap.offset(w), dout, y.ptr, dout, rows, dout, din, bias ? heap.offset(bias) : 0);
  return y.info;
}

/** dx = dy Wᵀ (W transposed once into scratch), dW = xᵀ dy, db = Σ_rows dy. */
function backward({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const [x, w, dy] = [inputs['x']!, inputs['w']!, inputs['dy']!];
  const [rows, din] = x.shape as [number, number];
  const dout = w.shape[1]!;
  const dx = heap.output([rows, din]);
  const dw = heap.output([din, dout]);
  const db = heap.output([dout]);
  try {
    const wt = heap.scratch(din * dout);
    heap.k.transpose(heap.offset(w), dout, wt, din, din, dout);
    gemmPanels(heap, heap.offset(dy), dout, 1, wt, din, dx.ptr, din, rows, din, dout, 0);
    gemmPanels(heap, heap.offset(x), 1, din, heap.offset(dy), dout, dw.ptr, dout, din, dout, rows, 0);
    heap.k.sumRows(heap.offset(dy), dout, db.ptr, rows, dout);
  } finally {
    heap.release();
  }
  return [dx.info, dw.info, db.info];
}

registerFused(DENSE, 'wasm', forward as unknown as tf.KernelFunc);
registerFused(DENSE_GRAD, 'wasm', backward as unknown as tf.KernelFunc);
