import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { WasmHeap } from '../wasm/heap.js';
import { wasmKernels, type WasmBackendLike } from '../wasm/module.js';
import { AFT_SIMPLE, AFT_SIMPLE_GRAD, aftStatsShape, type AftSimpleAttrs } from './names.js';

// assembly/aft.ts, one sequence [T, C] at a time.

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function heapOf(backend: unknown): WasmHeap {
  const b = backend as WasmBackendLike;
  return new WasmHeap(b, wasmKernels(b)!);
}

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const heap = heapOf(backend);
  const { causal } = attrs as unknown as AftSimpleAttrs;
  const [q, k, v] = [inputs['q']!, inputs['k']!, inputs['v']!];
  const [l, t, c] = q.shape as [number, number, number];
  const y = heap.output([l, t, c]);
  const stats = heap.output(aftStatsShape(l, t, c, causal));
  const perStat = causal ? 3 * t * c : 3 * c;
  try {
    const scratch = heap.scratch(3 * c);
    const [qp, kp, vp] = [q, k, v].map((x) => heap.offset(x)) as [number, number, number];
    for (let i = 0; i < l; i++) {
      const at = 4 * i * t * c;
      heap.k.aftSimpleForward(qp + at, kp + at, vp + at, y.ptr + at, stats.ptr + 4 * i * perStat, t, c, causal ? 1 : 0, scratch);
    }
  } finally {
    heap.release();
  }
  return [y.info, stats.info];
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const heap = heapOf(backend);
  const { causal } = attrs as unknown as AftSimpleAttrs;
  const [q, k, v, stats, dy] = ['q', 'k', 'v', 'stats', 'dy'].map((n) => inputs[n]!) as tf.TensorInfo[];
  const [l, t, c] = q!.shape as [number, number, number];
  const [dq, dk, dv] = [0, 1, 2].map(() => heap.output([l, t, c]));
  const perStat = causal ? 3 * t * c : 3 * c;
  try {
    const scratch = heap.scratch(2 * c);
    const [qp, kp, vp, sp, dyp] = [q, k, v, stats, dy].map((x) => heap.offset(x!)) as number[];
    for (let i = 0; i < l; i++) {
      const at = 4 * i * t * c;
      heap.k.aftSimpleBackward(qp! + at, kp! + at, vp! + at, dyp! + at, sp! + 4 * i * perStat, dq!.ptr + at, dk!.ptr + at, dv!.ptr + at, t, c, causal ? 1 : 0, scratch);
    }
  } finally {
    heap.release();
  }
  return [dq!.info, dk!.info, dv!.info];
}

registerFused(AFT_SIMPLE, 'wasm', forward as unknown as tf.KernelFunc);
registerFused(AFT_SIMPLE_GRAD, 'wasm', backward as unknown as tf.KernelFunc);
