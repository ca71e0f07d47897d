import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { aftSimpleKernel, aftSimpleReference } from '@attention-zoo/attention-core/kernels';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

// The fused AFT-simple kernels against the stock chain on cpu, values and gradients; keys spread
// over ±40 so a shift by the wrong maximum would under- or overflow.

interface Case {
  name: string;
  shape: number[];
  causal?: boolean;
}

const CASES: Case[] = [
  { name: 'non-causal, [B, T, C]', shape: [2, 37, 8] },
  { name: 'causal, [B, T, C]', shape: [2, 45, 12] },
  { name: 'causal, heads-first [B, H, T, d]', shape: [2, 2, 19, 4] },
  { name: 'C not a multiple of 4 (wasm: stock chain)', shape: [1, 9, 6], causal: true },
];

function run(c: Case, f: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, o: { causal?: boolean }) => tf.Tensor) {
  return () => {
    const q = tf.randomNormal(c.shape, 0, 2, 'float32', 1);
    const k = tf.randomNormal(c.shape, 0, 20, 'float32', 2);
    const v = tf.randomNormal(c.shape, 0, 1, 'float32', 3);
    const w = tf.randomNormal(c.shape, 0, 1, 'float32', 4);
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, b, d, { causal: c.causal }), w)))([q, k, v]);
    return [f(q, k, v, { causal: c.causal }), value, ...grads];
  };
}

const reference = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, o: { causal?: boolean }) => {
  const [t, c] = q.shape.slice(-2) as [number, number];
  const to3 = (x: tf.Tensor) => tf.reshape(x, [-1, t, c]) as tf.Tensor3D;
  return tf.reshape(aftSimpleReference(to3(q), to3(k), to3(v), o), q.shape);
};

const absMax = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('fused AFT-simple', backend, () => {
    for (const c of CASES) {
      it(`${c.name}: value and gradients equal the stock chain on cpu`, async () => {
        const want = await valuesOnCpu(run(c, reference));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(run(c, aftSimpleKernel));
        const names = ['y', 'loss', 'dq', 'dk', 'dv'];
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!), names[i]).toBeLessThan(2e-5 * (1 + absMax(want[i]!)));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it(`runs ${backend.name === 'cpu' ? 'the stock chain' : 'the fused kernel'} on ${backend.name}`, async () => {
      const x = tf.ones([1, 8, 8]);
      const { kernelNames } = await tf.profile(() => aftSimpleKernel(x, x, x));
      expect(kernelNames.includes('AttentionZooAftSimple')).toBe(backend.name !== 'cpu');
      x.dispose();
    });
  });
}
