import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { WasmHeap } from '../wasm/heap.js';
import { wasmKernels, type WasmBackendLike } from '../wasm/module.js';
import { FOCUS, FOCUS_GRAD, type FocusAttrs } from './names.js';

// assembly/focus.ts over all rows at once (x viewed as [rows, C]).

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function prepare(inputs: tf.NamedTensorInfoMap, backend: unknown) {
  const b = backend as WasmBackendLike;
  const heap = new WasmHeap(b, wasmKernels(b)!);
  const x = inputs['x']!;
  const c = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((p, q) => p * q, 1) / c;
  const pos = inputs['pos'];
  return { heap, x, c, rows, pos, posPtr: pos ? heap.offset(pos) : 0, posRows: pos ? pos.shape[0]! : 1, sp: heap.offset(inputs['sp']!) };
}

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { heap, x, c, rows, posPtr, posRows, sp } = prepare(inputs, backend);
  const out = heap.output(x.shape);
  heap.k.focusForward(heap.offset(x), posPtr, posRows, sp, out.ptr, rows, c, (attrs as unknown as FocusAttrs).p);
  return out.info;
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { heap, x, c, rows, posPtr, posRows, sp } = prepare(inputs, backend);
  const dx = heap.output(x.shape);
  const dsp = heap.output(x.shape);
  try {
    const y = heap.scratch(c);
    heap.k.focusBackward(heap.offset(x), posPtr, posRows, sp, heap.offset(inputs['dy']!), dx.ptr, dsp.ptr, rows, c, (attrs as unknown as FocusAttrs).p, y);
  } finally {
    heap.release();
  }
  return [dx.info, dsp.info];
}

registerFused(FOCUS, 'wasm', forward as unknown as tf.KernelFunc);
registerFused(FOCUS_GRAD, 'wasm', backward as unknown as tf.KernelFunc);
