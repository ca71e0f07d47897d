import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { flatProgram, runProgram, unpack, type WebGPUBackendLike } from '../webgpu/program.js';
import { FOCUS, FOCUS_GRAD, type FocusAttrs } from './names.js';

// WGSL: one invocation per token row walks its C channels (max, norms, then the outputs); see
// assembly/focus.ts for the formulas.

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const rowFns = (withPos: boolean, p: number) => `
  fn y(r: i32, j: i32) -> f32 {
    var x = x[r * uniforms.c + j];
    ${withPos ? 'x += pos[(r % uniforms.posRows) * uniforms.c + j];' : ''}
    return (max(x, 0.0) + 1e-6) / sp[j];
  }
  fn ipow(u: f32, e: i32) -> f32 {
    var r = 1.0;
    for (var i = 0; i < e; i++) { r *= u; }
    return r;
  }
  fn rowMax(r: i32) -> f32 {
    var m = 0.0;
    for (var j = 0; j < uniforms.c; j++) { m = max(m, y(r, j)); }
    return m;
  }
  // (Σu², Σz²) of row r, u = y / max y, z = u^P: the two norms of f_p.
  fn norms(r: i32, m: f32) -> vec2<f32> {
    var s = vec2<f32>(0.0, 0.0);
    for (var j = 0; j < uniforms.c; j++) {
      let u = y(r, j) / m;
      let z = ipow(u, P);
      s += vec2<f32>(u * u, z * z);
    }
    return s;
  }
  const P = ${p};`;

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const gpu = backend as WebGPUBackendLike;
  const { p } = attrs as unknown as FocusAttrs;
  const [x, sp, pos] = [inputs['x']!, inputs['sp']!, inputs['pos']];
  const c = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  return runProgram(gpu, flatProgram({
    name: 'focus', key: `${!!pos}_${p}`, inputs: ['x', 'sp', ...(pos ? ['pos'] : [])], outputShape: x.shape, threads: rows, uniforms: { c, rows, posRows: pos ? pos.shape[0]! : 1 },
    code: `${rowFns(!!pos, p)}
    fn main(r: i32) {
      if (r >= uniforms.rows) { return; }
      let m = rowMax(r);
      let s = norms(r, m);
      let f = m * sqrt(s.x) / sqrt(s.y);
      for (var j = 0; j < uniforms.c; j++) { result[r * uniforms.c + j] = ipow(y(r, j) / m, P) * f; }
    }`,
  }), [x, sp, ...(pos ? [pos] : [])]);
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = backend as WebGPUBackendLike;
  const { p } = attrs as unknown as FocusAttrs;
  const [x, sp, dy, pos] = [inputs['x']!, inputs['sp']!, inputs['dy']!, inputs['pos']];
  const c = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  const packed = runProgram(gpu, flatProgram({
    name: 'focusGrad', key: `${!!pos}_${p}`, inputs: ['x', 'sp', 'dy', ...(pos ? ['pos'] : [])], outputShape: [rows, 2 * c], threads: rows, uniforms: { c, rows, posRows: pos ? pos.shape[0]! : 1 },
    code: `${rowFns(!!pos, p)}
    fn main(r: i32) {
      if (r >= uniforms.rows) { return; }
      let m = rowMax(r);
      let s = norms(r, m);
      var gz = 0.0;
      for (var j = 0; j < uniforms.c; j++) { gz += dy[r * uniforms.c + j] * ipow(y(r, j) / m, P); }
      let bn = sqrt(s.y);
      let a = m * sqrt(s.x);
      let G = gz / bn;
      for (var j = 0; j < uniforms.c; j++) {
        let yj = y(r, j);
        let u = yj / m;
        let d = G * yj / a + f32(P) * a / m * ipow(u, P - 1) * (dy[r * uniforms.c + j] - G * ipow(u, P) / bn) / bn;
        var xi = x[r * uniforms.c + j];
        ${pos ? 'xi += pos[(r % uniforms.posRows) * uniforms.c + j];' : ''}
        result[r * 2 * uniforms.c + j] = select(0.0, d / sp[j], xi > 0.0);
        result[r * 2 * uniforms.c + uniforms.c + j] = -d * yj / sp[j];
      }
    }`,
  }), [x, sp, dy, ...(pos ? [pos] : [])]);
  const dx = unpack(gpu, packed, [...x.shape], 0, 2 * c);
  const dsp = unpack(gpu, packed, [...x.shape], c, 2 * c);
  gpu.disposeData(packed.dataId);
  return [dx, dsp];
}

registerFused(FOCUS, 'webgpu', forward as unknown as tf.KernelFunc);
registerFused(FOCUS_GRAD, 'webgpu', backward as unknown as tf.KernelFunc);
