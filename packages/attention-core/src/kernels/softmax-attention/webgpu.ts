import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { flatProgram, runProgram, unpack, type WebGPUBackendLike } from '../webgpu/program.js';
import { SOFTMAX_ATTENTION, SOFTMAX_ATTENTION_GRAD, type SoftmaxAttentionAttrs } from './names.js';

// WGSL, heads-first [B·H, T, w] contiguous. Forward: a workgroup of 64 invocations owns 64 queries;
// key tiles are loaded into workgroup memory together, and each invocation runs the online softmax
// for its query over the tile (its output row accumulates in registers). Backward: the row terms
// delta_i = dO_i·O_i, then dQ query-parallel over key tiles and dK, dV key-parallel over query
// tiles, each recomputing P from the saved statistics. Nothing N×M is stored.

const WG = 64;
/** Keys per tile: K and V tiles together within WebGPU's guaranteed 16 KiB of workgroup memory. */
const tileKeys = (d: number, dv: number) => Math.max(1, Math.min(WG, Math.floor(4096 / (d + dv))));

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Which keys query i may see (band, causality, padding) as a WGSL function; `mask` is read only when given. */
const allowedFn = (a: SoftmaxAttentionAttrs, masked: boolean) => `
  fn allowed(bh: i32, i: i32, j: i32) -> bool {
    if (j < 0 || j >= uniforms.keys || i >= uniforms.n) { return false; }
    ${a.causal ? 'if (j > i) { return false; }' : ''}
    ${a.window >= 0 ? `if (abs(i - j) > ${a.window}) { return false; }` : ''}
    ${masked ? 'if (mask[(bh / uniforms.heads) * uniforms.keys + j] == 0.0) { return false; }' : ''}
    return true;
  }
  /** Key tiles [lo, hi) that queries q0 … q0 + count − 1 may need (uniform over the workgroup). */
  fn keyLo(q0: i32) -> i32 { return ${a.window >= 0 ? `max(0, q0 - ${a.window})` : '0'}; }
  fn keyHi(q0: i32, count: i32) -> i32 {
    var hi = uniforms.keys;
    ${a.causal ? 'hi = min(hi, q0 + count);' : a.window >= 0 ? `hi = min(hi, q0 + count + ${a.window});` : ''}
    return hi;
  }`;

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = backend as WebGPUBackendLike;
  const a = attrs as unknown as SoftmaxAttentionAttrs;
  if (a.layout !== 'heads') throw new Error('webgpu softmax attention: heads-first layout only');
  const [q, k, v, mask] = [inputs['q']!, inputs['k']!, inputs['v']!, inputs['mask']];
  const [b, h, n, d] = q.shape as [number, number, number, number];
  const keys = k.shape[2]!;
  const dv = v.shape[3]!;
  const tk = tileKeys(d, dv);
  const groups = Math.ceil(n / WG);
  const key = `${a.causal}_${a.window}_${!!mask}_${d}_${dv}`;
  const packed = runProgram(gpu, flatProgram({
    name: 'flashForward', key, inputs: ['q', 'k', 'v', ...(mask ? ['mask'] : [])], outputShape: [b * h, n, dv + 2], threads: b * h * groups * WG, workgroup: WG,
    uniforms: { heads: h, n, keys, groups, scale: { f32: a.scale } },
    code: `${allowedFn(a, !!mask)}
    var<workgroup> kt: array<f32, ${tk * d}>;
    var<workgroup> vt: array<f32, ${tk * dv}>;
    var<workgroup> range: vec2<i32>;
    fn main(index: i32) {
      let wg = workgroupIndex();
      let bh = wg / uniforms.groups;
      let q0 = (wg % uniforms.groups) * ${WG};
      let i = q0 + i32(localIndex);
      var qi: array<f32, ${d}>;
      for (var c = 0; c < ${d}; c++) { qi[c] = select(0.0, q[(bh * uniforms.n + min(i, uniforms.n - 1)) * ${d} + c], i < uniforms.n) * uniforms.scale; }
      var acc: array<f32, ${dv}>;
      var m = -3.402823e38;
      var l = 0.0;
      // The tile range through workgroup memory: a value read back with workgroupUniformLoad is
      // provably uniform, so the barriers in the loop are in uniform control flow.
      if (localIndex == 0u) { range = vec2<i32>(keyLo(q0), keyHi(q0, ${WG})); }
      let r = workgroupUniformLoad(&range);
      for (var j0 = r.x; j0 < r.y; j0 += ${tk}) {
        workgroupBarrier();
        for (var e = i32(localIndex); e < ${tk * d}; e += ${WG}) {
          let j = j0 + e / ${d};
          kt[e] = select(0.0, k[(bh * uniforms.keys + min(j, uniforms.keys - 1)) * ${d} + e % ${d}], j < uniforms.keys);
        }
        for (var e = i32(localIndex); e < ${tk * dv}; e += ${WG}) {
          let j = j0 + e / ${dv};
          vt[e] = select(0.0, v[(bh * uniforms.keys + min(j, uniforms.keys - 1)) * ${dv} + e % ${dv}], j < uniforms.keys);
        }
        workgroupBarrier();
        for (var jj = 0; jj < ${tk}; jj++) {
          if (!allowed(bh, i, j0 + jj)) { continue; }
          var s = 0.0;
          for (var c = 0; c < ${d}; c++) { s += qi[c] * kt[jj * ${d} + c]; }
          let mn = max(m, s);
          let alpha = exp(m - mn);
          let p = exp(s - mn);
          l = l * alpha + p;
          for (var c = 0; c < ${dv}; c++) { acc[c] = acc[c] * alpha + p * vt[jj * ${dv} + c]; }
          m = mn;
        }
      }
      if (i < uniforms.n) {
        let row = (bh * uniforms.n + i) * ${dv + 2};
        var inv = 0.0;
        if (l > 0.0) { inv = 1.0 / l; }
        for (var c = 0; c < ${dv}; c++) { result[row + c] = acc[c] * inv; }
        result[row + ${dv}] = m;
        result[row + ${dv + 1}] = inv;
      }
    }`,
  }), [q, k, v, ...(mask ? [mask] : [])]);
  const out = unpack(gpu, packed, [b, h, n, dv], 0, dv + 2);
  const stats = unpack(gpu, packed, [b, h, n, 2], dv, dv + 2);
  gpu.disposeData(packed.dataId);
  return [out, stats];
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = backend as WebGPUBackendLike;
  const a = attrs as unknown as SoftmaxAttentionAttrs;
  const [q, k, v, out, stats, dy, mask] = ['q', 'k', 'v', 'out', 'stats', 'dy', 'mask'].map((x) => inputs[x]) as tf.TensorInfo[];
  const [b, h, n, d] = q!.shape as [number, number, number, number];
  const keys = k!.shape[2]!;
  const dv = v!.shape[3]!;
  const key = `${a.causal}_${a.window}_${!!mask}_${d}_${dv}`;
  const masks = mask ? ['mask'] : [];
  const maskIn = mask ? [mask] : [];
  const delta = runProgram(gpu, flatProgram({
    name: 'flashDelta', key: `${dv}`, inputs: ['dy', 'o'], outputShape: [b * h, n], threads: b * h * n, uniforms: { total: b * h * n },
    code: `fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      var s = 0.0;
      for (var c = 0; c < ${dv}; c++) { s += dy[index * ${dv} + c] * o[index * ${dv} + c]; }
      result[index] = s;
    }`,
  }), [dy!, out!]);
  // P_ij = exp(s_ij − m_i)·invL_i; dS_ij = P_ij (dO_i·V_j − delta_i); scores use q·scale.
  const common = { heads: h, n, keys, scale: { f32: a.scale } };
  const dq = runProgram(gpu, flatProgram({
    name: 'flashDq', key, inputs: ['q', 'k', 'v', 'stats', 'dy', 'delta', ...masks], outputShape: [b, h, n, d], threads: b * h * n, uniforms: { ...common, total: b * h * n },
    code: `${allowedFn(a, !!mask)}
    fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let bh = index / uniforms.n;
      let i = index % uniforms.n;
      let mi = stats[index * 2];
      let inv = stats[index * 2 + 1];
      var g: array<f32, ${d}>;
      for (var j = keyLo(i); j < keyHi(i, 1); j++) {
        if (!allowed(bh, i, j) || inv == 0.0) { continue; }
        var s = 0.0;
        for (var c = 0; c < ${d}; c++) { s += q[index * ${d} + c] * k[(bh * uniforms.keys + j) * ${d} + c]; }
        let p = exp(s * uniforms.scale - mi) * inv;
        var dp = 0.0;
        for (var c = 0; c < ${dv}; c++) { dp += dy[index * ${dv} + c] * v[(bh * uniforms.keys + j) * ${dv} + c]; }
        let ds = p * (dp - delta[index]) * uniforms.scale;
        for (var c = 0; c < ${d}; c++) { g[c] += ds * k[(bh * uniforms.keys + j) * ${d} + c]; }
      }
      for (var c = 0; c < ${d}; c++) { result[index * ${d} + c] = g[c]; }
    }`,
  }), [q!, k!, v!, stats!, dy!, delta, ...maskIn]);
  // Key-parallel: dV_j = Σ_i P_ij dO_i, dK_j = Σ_i dS_ij q_i, packed [B·H, M, d + dv].
  const kv = runProgram(gpu, flatProgram({
    name: 'flashDkDv', key, inputs: ['q', 'k', 'v', 'stats', 'dy', 'delta', ...masks], outputShape: [b * h, keys, d + dv], threads: b * h * keys, uniforms: { ...common, total: b * h * keys },
    code: `${allowedFn(a, !!mask)}
    fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let bh = index / uniforms.keys;
      let j = index % uniforms.keys;
      var gk: array<f32, ${d}>;
      var gv: array<f32, ${dv}>;
      var first = 0;
      var last = uniforms.n;
      ${a.causal ? 'first = j;' : ''}
      ${a.window >= 0 ? `first = max(first, j - ${a.window}); last = min(last, j + ${a.window} + 1);` : ''}
      for (var i = first; i < last; i++) {
        let qi = bh * uniforms.n + i;
        let inv = stats[qi * 2 + 1];
        if (!allowed(bh, i, j) || inv == 0.0) { continue; }
        var s = 0.0;
        for (var c = 0; c < ${d}; c++) { s += q[qi * ${d} + c] * k[index * ${d} + c]; }
        let p = exp(s * uniforms.scale - stats[qi * 2]) * inv;
        var dp = 0.0;
        for (var c = 0; c < ${dv}; c++) {
          let g = dy[qi * ${dv} + c];
          dp += g * v[index * ${dv} + c];
          gv[c] += p * g;
        }
        let ds = p * (dp - delta[qi]) * uniforms.scale;
        for (var c = 0; c < ${d}; c++) { gk[c] += ds * q[qi * ${d} + c]; }
      }
      for (var c = 0; c < ${d}; c++) { result[index * ${d + dv} + c] = gk[c]; }
      for (var c = 0; c < ${dv}; c++) { result[index * ${d + dv} + ${d} + c] = gv[c]; }
    }`,
  }), [q!, k!, v!, stats!, dy!, delta, ...maskIn]);
  gpu.disposeData(delta.dataId);
  const dk = unpack(gpu, kv, [b, h, keys, d], 0, d + dv);
  const dvv = unpack(gpu, kv, [b, h, keys, dv], d, d + dv);
  gpu.disposeData(kv.dataId);
  return [dq, dk, dvv];
}

registerFused(SOFTMAX_ATTENTION, 'webgpu', forward as unknown as tf.KernelFunc);
registerFused(SOFTMAX_ATTENTION_GRAD, 'webgpu', backward as unknown as tf.KernelFunc);
