import type * as tf from '@tensorflow/tfjs-core';

/**
 * The custom-program interface of @tensorflow/tfjs-backend-webgpu 4.x (`WebGPUProgram`,
 * `backend.runWebGPUProgram`), structurally: the kernels never import that package.
 * The backend binds `result` (the output) and one `array<f32>` per variable name, declares the
 * uniforms after its own (shapes, strides), and calls `main(index)` for a flat dispatch.
 */
export interface WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  getUserCode: () => string;
}

export interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
  disposeData(dataId: object): void;
}

/** A uniform value: `i32` unless written as `{ f32: x }`. */
export type Uniform = number | { f32: number };

/**
 * A program of `threads` invocations, each running `main(index)` with `index` its flat
 * invocation number (the backend folds a dispatch over 65,535 workgroups into 2-D, and the
 * flat index accounts for it). `uniforms` are declared as `i32`/`f32` fields in order.
 * Workgroup code can read `workgroupIndex()` (flat) and `localIndex`.
 */
export function flatProgram(opts: {
  name: string;
  /** Everything the generated code depends on besides input ranks (the backend adds those). */
  key: string;
  inputs: string[];
  outputShape: number[];
  threads: number;
  workgroup?: number;
  uniforms: Record<string, Uniform>;
  code: string;
}): { program: WebGPUProgram; uniforms: { type: string; data: number[] }[] } {
  // A binding no code reads is dropped from the pipeline's 'auto' layout, and the backend's bind
  // group (every input) is then invalid — and so is the whole command buffer it was submitted in.
  for (const name of opts.inputs) {
    // The backend declares `<name>Shape` uniforms next to its own `outShape`.
    if (name === 'out' || name === 'result') throw new Error(`webgpu program ${opts.name}: '${name}' is the backend's own name`);
    if (!new RegExp(`\\b${name}\\s*\\[`).test(opts.code)) throw new Error(`webgpu program ${opts.name}: input '${name}' is never read`);
  }
  const wg = opts.workgroup ?? 64;
  const names = Object.keys(opts.uniforms);
  const program: WebGPUProgram = {
    variableNames: opts.inputs,
    outputShape: opts.outputShape,
    shaderKey: `attentionZoo_${opts.name}_${opts.key}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(opts.threads / wg), 1, 1],
    workgroupSize: [wg, 1, 1],
    uniforms: names.map((n) => `${n} : ${typeof opts.uniforms[n] === 'number' ? 'i32' : 'f32'},`).join(' '),
    getUserCode: () => `
      fn workgroupIndex() -> i32 {
        return i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
      }
      ${opts.code}`,
  };
  const uniforms = names.map((n) => {
    const u = opts.uniforms[n]!;
    return typeof u === 'number' ? { type: 'int32', data: [u] } : { type: 'float32', data: [u.f32] };
  });
  return { program, uniforms };
}

/** Runs a program and returns its output; `dispose` lists intermediates to free afterwards. */
export function runProgram(backend: WebGPUBackendLike, p: ReturnType<typeof flatProgram>, inputs: tf.TensorInfo[]): tf.TensorInfo {
  return backend.runWebGPUProgram(p.program, inputs, 'float32', p.uniforms);
}

/** Columns [from, from + width) of a [rows, stride] buffer as a tensor of `shape` (width = its last dim). */
export function unpack(gpu: WebGPUBackendLike, packed: tf.TensorInfo, shape: number[], from: number, stride: number): tf.TensorInfo {
  const w = shape[shape.length - 1]!;
  const total = shape.reduce((x, y) => x * y, 1);
  return runProgram(gpu, flatProgram({
    name: 'unpackColumns', key: `${from}_${stride}_${w}`, inputs: ['packed'], outputShape: shape, threads: total, uniforms: { total },
    code: `fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      result[index] = packed[(index / ${w}) * ${stride} + ${from} + index % ${w}];
    }`,
  }), [packed]);
}
