import type * as tf from '@tensorflow/tfjs-core';
import { registerFused } from '../registry.js';
import { flatProgram, runProgram, type WebGPUBackendLike } from '../webgpu/program.js';
import { AFT_SIMPLE, AFT_SIMPLE_GRAD, aftStatsShape, type AftSimpleAttrs } from './names.js';

// WGSL: one invocation per (sequence, channel) walks the tokens for the statistics (non-causal:
// max, then the sums; causal: the running-maximum scan, per token), then one per output element
// gates the ratio with σ(Q). [L, T, C] contiguous.

function forward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const gpu = backend as WebGPUBackendLike;
  const { causal } = attrs as unknown as AftSimpleAttrs;
  const [q, k, v] = [inputs['q']!, inputs['k']!, inputs['v']!];
  const [l, t, c] = q.shape as [number, number, number];
  const dims = { t, c, total: l * c };
  const stats = runProgram(gpu, flatProgram({
    name: 'aftSimpleStats', key: causal ? 'causal' : 'all', inputs: ['k', 'v'], outputShape: aftStatsShape(l, t, c, causal), threads: l * c, uniforms: dims,
    code: causal ? `
      fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        let ch = index % uniforms.c;
        let l = index / uniforms.c;
        var m = -3.402823e38;
        var num = 0.0;
        var den = 0.0;
        for (var i = 0; i < uniforms.t; i++) {
          let at = (l * uniforms.t + i) * uniforms.c + ch;
          let mn = max(m, k[at]);
          let a = exp(m - mn);
          let e = exp(k[at] - mn);
          num = num * a + e * v[at];
          den = den * a + e;
          m = mn;
          let s = ((l * uniforms.t + i) * 3) * uniforms.c + ch;
          result[s] = m;
          result[s + uniforms.c] = den;
          result[s + 2 * uniforms.c] = num / den;
        }
      }` : `
      fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        let ch = index % uniforms.c;
        let l = index / uniforms.c;
        var m = -3.402823e38;
        for (var i = 0; i < uniforms.t; i++) { m = max(m, k[(l * uniforms.t + i) * uniforms.c + ch]); }
        var num = 0.0;
        var den = 0.0;
        for (var i = 0; i < uniforms.t; i++) {
          let at = (l * uniforms.t + i) * uniforms.c + ch;
          let e = exp(k[at] - m);
          num += e * v[at];
          den += e;
        }
        let s = l * 3 * uniforms.c + ch;
        result[s] = m;
        result[s + uniforms.c] = den;
        result[s + 2 * uniforms.c] = num / den;
      }`,
  }), [k, v]);
  const y = runProgram(gpu, flatProgram({
    name: 'aftSimpleGate', key: causal ? 'causal' : 'all', inputs: ['q', 'stats'], outputShape: [l, t, c], threads: l * t * c, uniforms: { ...dims, total: l * t * c },
    code: `
      fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        let ch = index % uniforms.c;
        let i = (index / uniforms.c) % uniforms.t;
        let l = index / (uniforms.c * uniforms.t);
        let r = stats[${causal ? '((l * uniforms.t + i) * 3 + 2) * uniforms.c + ch' : '(l * 3 + 2) * uniforms.c + ch'}];
        result[index] = r / (1.0 + exp(-q[index]));
      }`,
  }), [q, stats]);
  return [y, stats];
}

/** Statistic s (0 max, 1 denominator, 2 ratio) of channel ch at token i. */
const statAt = (causal: boolean, s: number) =>
  causal ? `stats[((l * uniforms.t + i) * 3 + ${s}) * uniforms.c + ch]` : `stats[(l * 3 + ${s}) * uniforms.c + ch]`;

const coords = `
  let ch = index % uniforms.c;
  let i = (index / uniforms.c) % uniforms.t;
  let l = index / (uniforms.c * uniforms.t);`;

/**
 * Gradients (see assembly/aft.ts): dQ = dY ⊙ r ⊙ σ'(Q) per element; dr_t = dY_t ⊙ σ(Q_t) summed
 * over t (non-causal), or the reverse scans A, B over t ≥ t' (causal, one invocation per channel);
 * then dV and dK per element from the softmax weights exp(K − M)/D.
 */
function backward({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const gpu = backend as WebGPUBackendLike;
  const { causal } = attrs as unknown as AftSimpleAttrs;
  const [q, k, v, stats, dy] = ['q', 'k', 'v', 'stats', 'dy'].map((n) => inputs[n]!) as tf.TensorInfo[];
  const [l, t, c] = q!.shape as [number, number, number];
  const key = causal ? 'causal' : 'all';
  const each = { t, c, total: l * t * c };
  const dq = runProgram(gpu, flatProgram({
    name: 'aftSimpleDq', key, inputs: ['q', 'stats', 'dy'], outputShape: [l, t, c], threads: l * t * c, uniforms: each,
    code: `fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      ${coords}
      let s = 1.0 / (1.0 + exp(-q[index]));
      result[index] = dy[index] * ${statAt(causal, 2)} * s * (1.0 - s);
    }`,
  }), [q!, stats!, dy!]);
  // Per channel: dr = Σ_t dY σ(Q) [L, C]; causal: A_t, B_t per token [L, T, 2, C].
  const sums = runProgram(gpu, flatProgram({
    name: 'aftSimpleDr', key, inputs: causal ? ['q', 'stats', 'dy'] : ['q', 'dy'], outputShape: causal ? [l, t, 2, c] : [l, c], threads: l * c, uniforms: { t, c, total: l * c },
    code: causal ? `fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let ch = index % uniforms.c;
      let l = index / uniforms.c;
      var a = 0.0;
      var b = 0.0;
      for (var i = uniforms.t - 1; i >= 0; i--) {
        let at = (l * uniforms.t + i) * uniforms.c + ch;
        let drd = dy[at] / (1.0 + exp(-q[at])) / ${statAt(true, 1)};
        var decay = 0.0;
        if (i + 1 < uniforms.t) { decay = exp(${statAt(true, 0)} - stats[((l * uniforms.t + i + 1) * 3) * uniforms.c + ch]); }
        a = drd + decay * a;
        b = drd * ${statAt(true, 2)} + decay * b;
        result[((l * uniforms.t + i) * 2) * uniforms.c + ch] = a;
        result[((l * uniforms.t + i) * 2 + 1) * uniforms.c + ch] = b;
      }
    }` : `fn main(index: i32) {
      if (index >= uniforms.total) { return; }
      let ch = index % uniforms.c;
      let l = index / uniforms.c;
      var dr = 0.0;
      for (var i = 0; i < uniforms.t; i++) {
        let at = (l * uniforms.t + i) * uniforms.c + ch;
        dr += dy[at] / (1.0 + exp(-q[at]));
      }
      result[index] = dr;
    }`,
  }), causal ? [q!, stats!, dy!] : [q!, dy!]);
  const weighted = (name: string, expr: string, readsV: boolean) =>
    runProgram(gpu, flatProgram({
      name, key, inputs: readsV ? ['k', 'v', 'stats', 'sums'] : ['k', 'stats', 'sums'], outputShape: [l, t, c], threads: l * t * c, uniforms: each,
      code: `fn main(index: i32) {
        if (index >= uniforms.total) { return; }
        ${coords}
        let e = exp(k[index] - ${statAt(causal, 0)});
        ${causal
          ? `let a = sums[((l * uniforms.t + i) * 2) * uniforms.c + ch];
        let b = sums[((l * uniforms.t + i) * 2 + 1) * uniforms.c + ch];`
          : `let w = e / ${statAt(false, 1)};
        let dr = sums[l * uniforms.c + ch];
        let r = ${statAt(false, 2)};`}
        result[index] = ${expr};
      }`,
    }), readsV ? [k!, v!, stats!, sums] : [k!, stats!, sums]);
  const dv = weighted('aftSimpleDv', causal ? 'e * a' : 'w * dr', false);
  const dk = weighted('aftSimpleDk', causal ? 'e * (v[index] * a - b)' : 'w * (v[index] - r) * dr', true);
  gpu.disposeData(sums.dataId);
  return [dq, dk, dv];
}

registerFused(AFT_SIMPLE, 'webgpu', forward as unknown as tf.KernelFunc);
registerFused(AFT_SIMPLE_GRAD, 'webgpu', backward as unknown as tf.KernelFunc);
