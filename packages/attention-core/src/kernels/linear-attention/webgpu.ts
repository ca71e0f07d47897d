import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { flatProgram, runProgram, type WebGPUBackendLike } from '../webgpu/program.js';
import { LINEAR_ATTENTION, type LinearAttentionAttrs } from './names.js';

// WGSL, heads-first [B·H, T, w] contiguous. Non-causal: S = φ(K)ᵀ[V | 1] per head ([m, dv+1],
// one invocation per entry summing over the keys), then out = φ(Q)S[:, :dv] / (φ(Q)S[:, dv] + ε).
// Causal, by chunks of C tokens: chunk states, their exclusive prefix sum over chunks, then per
// output the prefix term plus the chunk's own keys j ≤ i. Nothing is N×N; the state is
// O((N/C)·m·dv).

const CHUNK = 32;

/** `kk(j, a)`: φ(k) of key j, channel a of head bh, times the key's mask when there is one. */
const keyRead = (masked: boolean) => `
  fn kk(bh: i32, j: i32, a: i32) -> f32 {
    let x = phiK[(bh * uniforms.keys + j) * uniforms.m + a];
    ${masked ? 'return x * mask[(bh / uniforms.heads) * uniforms.keys + j];' : 'return x;'}
  }
  fn v1(bh: i32, j: i32, c: i32) -> f32 {
    if (c == uniforms.dv) { return 1.0; }
    return v[(bh * uniforms.keys + j) * uniforms.dv + c];
  }`;

/** φ(q) of query i, channel a (a separate snippet: a binding no entry point uses is dropped from the pipeline's layout). */
const queryRead = `
  fn q(bh: i32, i: i32, a: i32) -> f32 {
    return phiQ[(bh * uniforms.n + i) * uniforms.m + a];
  }`;

function forward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const gpu = backend as WebGPUBackendLike;
  const a = attrs as unknown as LinearAttentionAttrs;
  if (a.layout !== 'heads') throw new Error('webgpu linear attention: heads-first layout only');
  const [phiQ, phiK, v, mask] = [inputs['phiQ']!, inputs['phiK']!, inputs['v']!, inputs['mask']];
  const [b, h, n, m] = phiQ.shape as [number, number, number, number];
  const keys = phiK.shape[2]!;
  const dv = v.shape[3]!;
  const bh = b * h;
  const names = ['phiK', 'v', ...(mask ? ['mask'] : [])];
  const ins = [phiK, v, ...(mask ? [mask] : [])];
  const key = `${mask ? 'm' : ''}${a.normalise ? 'n' : ''}`;
  const base = { heads: h, n, keys, m, dv, eps: { f32: a.eps } };
  const dv1 = dv + 1;
  const finish = `
    if (${a.normalise}) { result[index] = num / (den + uniforms.eps); } else { result[index] = num; }`;
  if (!a.causal) {
    const state = flatProgram({
      name: 'linearState', key, inputs: names, outputShape: [bh, m, dv1], threads: bh * m * dv1, uniforms: { ...base, total: bh * m * dv1 },
      code: `${keyRead(!!mask)}
      fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        let c = index % (uniforms.dv + 1);
        let a = (index / (uniforms.dv + 1)) % uniforms.m;
        let bh = index / ((uniforms.dv + 1) * uniforms.m);
        var s = 0.0;
        for (var j = 0; j < uniforms.keys; j++) { s += kk(bh, j, a) * v1(bh, j, c); }
        result[index] = s;
      }`,
    });
    const s = runProgram(gpu, state, ins);
    const out = flatProgram({
      name: 'linearOut', key, inputs: ['phiQ', 's'], outputShape: [b, h, n, dv], threads: bh * n * dv, uniforms: { ...base, total: bh * n * dv },
      code: `
      fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        let c = index % uniforms.dv;
        let i = (index / uniforms.dv) % uniforms.n;
        let bh = index / (uniforms.dv * uniforms.n);
        var num = 0.0;
        var den = 0.0;
        for (var a = 0; a < uniforms.m; a++) {
          let x = phiQ[(bh * uniforms.n + i) * uniforms.m + a];
          let row = (bh * uniforms.m + a) * (uniforms.dv + 1);
          num += x * s[row + c];
          den += x * s[row + uniforms.dv];
        }
        ${finish}
      }`,
    });
    const y = runProgram(gpu, out, [phiQ, s]);
    gpu.disposeData(s.dataId);
    return y;
  }
  const nc = Math.ceil(n / CHUNK);
  const chunkStates = flatProgram({
    name: 'linearChunkStates', key, inputs: names, outputShape: [bh, nc, m, dv1], threads: bh * nc * m * dv1,
    uniforms: { ...base, total: bh * nc * m * dv1, chunks: nc },
    code: `${keyRead(!!mask)}
    fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let c = index % (uniforms.dv + 1);
      let a = (index / (uniforms.dv + 1)) % uniforms.m;
      let ch = (index / ((uniforms.dv + 1) * uniforms.m)) % uniforms.chunks;
      let bh = index / ((uniforms.dv + 1) * uniforms.m * uniforms.chunks);
      var s = 0.0;
      for (var j = ch * ${CHUNK}; j < min(uniforms.keys, ch * ${CHUNK} + ${CHUNK}); j++) { s += kk(bh, j, a) * v1(bh, j, c); }
      result[index] = s;
    }`,
  });
  const states = runProgram(gpu, chunkStates, ins);
  const prefix = flatProgram({
    name: 'linearPrefix', key, inputs: ['states'], outputShape: [bh, nc, m, dv1], threads: bh * m * dv1,
    uniforms: { total: bh * m * dv1, chunks: nc, width: m * dv1 },
    code: `
    fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let bh = index / uniforms.width;
      let e = index % uniforms.width;
      var run = 0.0;
      for (var ch = 0; ch < uniforms.chunks; ch++) {
        let at = (bh * uniforms.chunks + ch) * uniforms.width + e;
        result[at] = run; // exclusive: the chunks before ch
        run += states[at];
      }
    }`,
  });
  const before = runProgram(gpu, prefix, [states]);
  gpu.disposeData(states.dataId);
  const out = flatProgram({
    name: 'linearCausalOut', key, inputs: ['phiQ', ...names, 'before'], outputShape: [b, h, n, dv], threads: bh * n * dv,
    uniforms: { ...base, total: bh * n * dv, chunks: nc },
    code: `${keyRead(!!mask)}${queryRead}
    fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let c = index % uniforms.dv;
      let i = (index / uniforms.dv) % uniforms.n;
      let bh = index / (uniforms.dv * uniforms.n);
      let ch = i / ${CHUNK};
      var num = 0.0;
      var den = 0.0;
      for (var a = 0; a < uniforms.m; a++) {
        let row = ((bh * uniforms.chunks + ch) * uniforms.m + a) * (uniforms.dv + 1);
        num += q(bh, i, a) * before[row + c];
        den += q(bh, i, a) * before[row + uniforms.dv];
      }
      for (var j = ch * ${CHUNK}; j <= i; j++) {
        var w = 0.0;
        for (var a = 0; a < uniforms.m; a++) { w += q(bh, i, a) * kk(bh, j, a); }
        num += w * v1(bh, j, c);
        den += w;
      }
      ${finish}
    }`,
  });
  const y = runProgram(gpu, out, [phiQ, ...ins, before]);
  gpu.disposeData(before.dataId);
  return y;
}

registerFused(LINEAR_ATTENTION, 'webgpu', forward as unknown as tf.KernelFunc);
