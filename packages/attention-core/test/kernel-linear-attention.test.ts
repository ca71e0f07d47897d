import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { linearAttention } from '@attention-zoo/attention-core/ops';
import { linearAttentionReference, setFusedKernels } from '@attention-zoo/attention-core/kernels';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

// The fused linear-attention kernels (wasm SIMD, WGSL) against the stock-op chain on cpu:
// values and the gradients of every input, non-causal, causal, with a key-padding mask,
// for widths the kernels take (multiples of 4) and widths that fall back to the stock chain.

const positive = (shape: number[], seed: number) => tf.add(tf.abs(tf.randomNormal(shape, 0, 1, 'float32', seed)), 0.1) as tf.Tensor4D;

interface Case {
  name: string;
  n: number;
  keys: number;
  m: number;
  dv: number;
  causal?: boolean;
  masked?: boolean;
}

const CASES: Case[] = [
  { name: 'non-causal, cross-attention (N ≠ M)', n: 13, keys: 21, m: 8, dv: 12 },
  { name: 'non-causal, key-padding mask', n: 17, keys: 17, m: 8, dv: 8, masked: true },
  { name: 'causal, N = 37 (not a multiple of the chunk)', n: 37, keys: 37, m: 8, dv: 4, causal: true },
  { name: 'causal, key-padding mask', n: 19, keys: 19, m: 4, dv: 16, causal: true, masked: true },
  { name: 'widths that are not multiples of 4 (wasm: stock chain)', n: 9, keys: 9, m: 6, dv: 5, causal: true },
];

function run(c: Case, f: typeof linearAttention) {
  return () => {
    const q = positive([2, 3, c.n, c.m], 1);
    const k = positive([2, 3, c.keys, c.m], 2);
    const v = tf.randomNormal([2, 3, c.keys, c.dv], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([2, 3, c.n, c.dv], 0, 1, 'float32', 4);
    const mask = c.masked ? (tf.tensor2d([...Array(c.keys)].flatMap((_, j) => [j % 3 === 1 ? 0 : 1]).concat([...Array(c.keys)].map((_, j) => (j < c.keys - 4 ? 1 : 0))), [2, c.keys]) as tf.Tensor2D) : undefined;
    const opts = { causal: c.causal, eps: 1e-3, keyPaddingMask: mask, chunkSize: 8 };
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor4D, opts), w)))([q, k, v]);
    return [f(q, k, v, opts), value, ...grads];
  };
}

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('fused linear attention', backend, () => {
    for (const c of CASES) {
      it(`${c.name}: value and gradients equal the stock chain on cpu`, async () => {
        const want = await valuesOnCpu(run(c, (q, k, v, o) => linearAttentionReference(q, k, v, { ...o, eps: o!.eps! })));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(run(c, linearAttention));
        const names = ['out', 'loss', 'dφQ', 'dφK', 'dV'];
        for (let i = 0; i < got.length; i++) {
          const scale = 1 + want[i]!.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
          expect(await maxAbsDiff(await got[i]!.data(), want[i]!), names[i]).toBeLessThan(2e-5 * scale);
        }
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it(`runs ${backend.name === 'cpu' ? 'the stock chain' : 'the fused kernel'} on ${backend.name}`, async () => {
      const kernels = async (c: Case) => (await tf.profile(() => tf.tidy(run(c, linearAttention)) as unknown as tf.Tensor)).kernelNames;
      const names = await kernels(CASES[2]!);
      const fused = backend.name !== 'cpu';
      expect(names.includes('AttentionZooLinearAttention')).toBe(fused);
      expect(names.includes('AttentionZooLinearAttentionGrad')).toBe(backend.name === 'wasm');
      expect((await kernels(CASES[4]!)).includes('AttentionZooLinearAttention')).toBe(backend.name === 'webgpu');
    });

    it('setFusedKernels(false) takes the stock chain, with the same values', async () => {
      const c = CASES[0]!;
      const fused = tf.tidy(run(c, linearAttention));
      setFusedKernels(false);
      try {
        const stock = tf.tidy(run(c, linearAttention));
        for (let i = 0; i < fused.length; i++) expect(await maxAbsDiff(fused[i]!, stock[i]!)).toBeLessThan(1e-4);
        tf.dispose(stock);
      } finally {
        setFusedKernels(true);
      }
      tf.dispose(fused);
    });
  });
}
