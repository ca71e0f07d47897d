import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { focusKernel, focusedLinearAttentionKernel, focusedLinearReference, focusReference } from '@attention-zoo/attention-core/kernels';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

// The fused FLatten focusing kernel φ_p (ReLU + 1e-6, temperature, Eq. 6 focusing) and focused
// linear attention built on it, against the stock chain on cpu: values and the gradients for
// x, the scale and the positional encoding.

interface Case {
  name: string;
  shape: [number, number, number];
  p: number;
  pos?: boolean;
  heads?: number;
  causal?: boolean;
}

const CASES: Case[] = [
  { name: 'p = 3, with pos', shape: [2, 13, 16], p: 3, pos: true, heads: 2 },
  { name: 'p = 1, no pos', shape: [1, 9, 8], p: 1, heads: 1 },
  { name: 'p = 5, causal, 4 heads', shape: [2, 11, 16], p: 5, pos: true, heads: 4, causal: true },
  { name: 'C not a multiple of 4 (wasm: stock chain)', shape: [1, 7, 6], p: 3, heads: 2 },
];

const absMax = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function inputs(c: Case) {
  const [, n, ch] = c.shape;
  return {
    x: tf.randomNormal(c.shape, 0, 1, 'float32', 1) as tf.Tensor3D,
    k: tf.randomNormal(c.shape, 0, 1, 'float32', 2) as tf.Tensor3D,
    v: tf.randomNormal(c.shape, 0, 1, 'float32', 3) as tf.Tensor3D,
    scale: tf.randomNormal([ch], 0, 1, 'float32', 4) as tf.Tensor1D,
    pos: tf.randomNormal([n, ch], 0, 0.5, 'float32', 5) as tf.Tensor2D,
    w: tf.randomNormal(c.shape, 0, 1, 'float32', 6),
  };
}

type Focus = (x: tf.Tensor3D, sp: tf.Tensor1D, pos: tf.Tensor2D | undefined, p: number) => tf.Tensor3D;
function runFocus(c: Case, f: Focus) {
  return () => {
    const { x, scale, pos, w } = inputs(c);
    const loss = (a: tf.Tensor, s: tf.Tensor, ps?: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor3D, tf.softplus(s) as tf.Tensor1D, ps as tf.Tensor2D | undefined, c.p), w));
    const { value, grads } = tf.valueAndGrads(loss)(c.pos ? [x, scale, pos] : [x, scale]);
    return [f(x, tf.softplus(scale) as tf.Tensor1D, c.pos ? pos : undefined, c.p), value, ...grads];
  };
}

type Attention = typeof focusedLinearReference;
function runAttention(c: Case, f: Attention) {
  return () => {
    const { x, k, v, scale, pos, w } = inputs(c);
    const o = (s: tf.Tensor, ps?: tf.Tensor) => ({ numHeads: c.heads!, scale: s as tf.Tensor1D, positional: ps as tf.Tensor2D | undefined, focusingFactor: c.p, causal: c.causal });
    const loss = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor, s: tf.Tensor, ps?: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, d as tf.Tensor3D, o(s, ps)), w));
    const { value, grads } = tf.valueAndGrads(loss)(c.pos ? [x, k, v, scale, pos] : [x, k, v, scale]);
    return [f(x, k, v, o(scale, c.pos ? pos : undefined)), value, ...grads];
  };
}

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('fused FLatten focusing', backend, () => {
    for (const c of CASES) {
      it(`φ_p, ${c.name}: value and gradients equal the stock chain on cpu`, async () => {
        const want = await valuesOnCpu(runFocus(c, focusReference));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(runFocus(c, focusKernel));
        const names = ['φ', 'loss', 'dx', 'dscale', 'dpos'];
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!), names[i]).toBeLessThan(2e-5 * (1 + absMax(want[i]!)));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });

      it(`focused linear attention, ${c.name}: value and gradients equal the stock chain on cpu`, async () => {
        const want = await valuesOnCpu(runAttention(c, focusedLinearReference));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(runAttention(c, focusedLinearAttentionKernel));
        const names = ['y', 'loss', 'dq', 'dk', 'dv', 'dscale', 'dpos'];
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!), names[i]).toBeLessThan(5e-5 * (1 + absMax(want[i]!)));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it(`runs ${backend.name === 'cpu' ? 'the stock chain' : 'the fused kernel'} on ${backend.name}`, async () => {
      const x = tf.ones([1, 8, 8]) as tf.Tensor3D;
      const sp = tf.ones([8]) as tf.Tensor1D;
      const { kernelNames } = await tf.profile(() => focusKernel(x, sp, undefined, 3));
      expect(kernelNames.includes('AttentionZooFocus')).toBe(backend.name !== 'cpu');
      tf.dispose([x, sp]);
    });
  });
}
