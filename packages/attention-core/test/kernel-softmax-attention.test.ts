import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { softmaxAttentionKernel, softmaxAttentionReference, type SoftmaxAttentionKernelOptions } from '@attention-zoo/attention-core/kernels';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

// The tiled softmax-attention kernel (online softmax; full, causal, banded, key-padding mask)
// against the stock chain on cpu, values and gradients; lengths that span several 64×64 tiles
// and end inside one.

interface Case {
  name: string;
  n: number;
  keys: number;
  d: number;
  dv: number;
  causal?: boolean;
  window?: number;
  masked?: boolean;
}

const CASES: Case[] = [
  { name: 'full, cross-attention (N ≠ M)', n: 70, keys: 133, d: 8, dv: 12 },
  { name: 'causal, N = 150', n: 150, keys: 150, d: 16, dv: 8, causal: true },
  { name: 'causal, fewer keys than queries', n: 90, keys: 67, d: 8, dv: 8, causal: true },
  { name: 'key-padding mask (one batch item with every key padded)', n: 33, keys: 80, d: 8, dv: 5, masked: true },
  { name: 'banded w = 5 (local attention), N = 150', n: 150, keys: 150, d: 8, dv: 8, window: 5 },
  { name: 'banded w = 70, causal, masked', n: 160, keys: 160, d: 4, dv: 8, window: 70, causal: true, masked: true },
  { name: 'widths that are not multiples of 4', n: 19, keys: 23, d: 7, dv: 3 },
];

function maskOf(c: Case): tf.Tensor2D | undefined {
  if (!c.masked) return undefined;
  const rows = [[...Array(c.keys)].map((_, j) => (j % 5 === 2 ? 0 : 1)), [...Array(c.keys)].map(() => 0)];
  if (c.causal) rows[1] = [...Array(c.keys)].map((_, j) => (j < c.keys - 9 ? 1 : 0));
  return tf.tensor2d(rows);
}

function run(c: Case, f: (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: SoftmaxAttentionKernelOptions) => tf.Tensor4D) {
  return () => {
    const q = tf.randomNormal([2, 3, c.n, c.d], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([2, 3, c.keys, c.d], 0, 1, 'float32', 2) as tf.Tensor4D;
    const v = tf.randomNormal([2, 3, c.keys, c.dv], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([2, 3, c.n, c.dv], 0, 1, 'float32', 4);
    const o: SoftmaxAttentionKernelOptions = { scale: 0.7, causal: c.causal, window: c.window, keyPaddingMask: maskOf(c) };
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor4D, o), w)))([q, k, v]);
    return [f(q, k, v, o), value, ...grads];
  };
}

const absMax = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

it('the banded stock chain equals dense softmax with the band masked (its own reference)', async () => {
  for (const c of CASES.filter((x) => x.window !== undefined)) {
    const [banded, dense] = await valuesOnCpu(() => {
      const q = tf.randomNormal([2, 3, c.n, c.d], 0, 1, 'float32', 1) as tf.Tensor4D;
      const k = tf.randomNormal([2, 3, c.keys, c.d], 0, 1, 'float32', 2) as tf.Tensor4D;
      const v = tf.randomNormal([2, 3, c.keys, c.dv], 0, 1, 'float32', 3) as tf.Tensor4D;
      const band = tf.tensor2d([...Array(c.n)].map((_, i) => [...Array(c.keys)].map((_, j) => (c.causal ? i - j >= 0 && i - j <= c.window! : Math.abs(i - j) <= c.window!) ? 1 : 0)));
      const mask = maskOf(c);
      const keep = mask ? tf.mul(band, tf.reshape(mask, [2, 1, 1, c.keys])) : band;
      const logits = tf.add(tf.mul(tf.matMul(q, k, false, true), 0.7), tf.mul(tf.sub(keep, 1), 1e30));
      const a = tf.mul(tf.softmax(logits), tf.cast(tf.greater(tf.sum(keep, -1, true), 0), 'float32'));
      return [softmaxAttentionReference(q, k, v, { scale: 0.7, causal: c.causal, window: c.window, keyPaddingMask: mask }), tf.matMul(a, v)];
    });
    expect(await maxAbsDiff(banded!, dense!), c.name).toBeLessThan(1e-5);
  }
});

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('tiled softmax attention', backend, () => {
    for (const c of CASES) {
      it(`${c.name}: value and gradients equal the stock chain on cpu`, async () => {
        const want = await valuesOnCpu(run(c, softmaxAttentionReference));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(run(c, softmaxAttentionKernel));
        const names = ['out', 'loss', 'dq', 'dk', 'dv'];
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!), names[i]).toBeLessThan(2e-5 * (1 + absMax(want[i]!)));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it(`bool and int32 masks give what the 0/1 float mask gives on ${backend.name} (tfjs's cast to float32 keeps their buffer)`, async () => {
      const c = CASES.find((x) => x.masked)!;
      const qkv = () => [1, 2, 3].map((s, i) => tf.randomNormal([2, 3, i === 0 ? c.n : c.keys, c.d], 0, 1, 'float32', s) as tf.Tensor4D);
      const [want] = await valuesOnCpu(() => {
        const [q, k, v] = qkv();
        return [softmaxAttentionReference(q!, k!, v!, { scale: 0.7, keyPaddingMask: maskOf(c) })];
      });
      await useBackend(backend.name);
      for (const dtype of ['bool', 'int32'] as const) {
        const got = tf.tidy(() => {
          const [q, k, v] = qkv();
          return softmaxAttentionKernel(q!, k!, v!, { scale: 0.7, keyPaddingMask: tf.cast(maskOf(c)!, dtype) as tf.Tensor2D });
        });
        expect(await maxAbsDiff(await got.data(), want!), dtype).toBeLessThan(1e-5);
        got.dispose();
      }
    });

    it(`scaledDotProductAttention runs ${backend.name === 'cpu' ? 'the stock chain' : 'the tiled kernel'} on ${backend.name}, and with dropout in training the stock chain`, async () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 2, 8, 4], 0, 1, 'float32', s) as tf.Tensor4D);
      const names = async (o: object) => (await tf.profile(() => scaledDotProductAttention(q!, k!, v!, o))).kernelNames;
      expect((await names({})).includes('AttentionZooSoftmaxAttention')).toBe(backend.name !== 'cpu');
      expect((await names({ dropout: 0.5, training: true })).includes('AttentionZooSoftmaxAttention')).toBe(false);
      tf.dispose([q!, k!, v!]);
    });
  });
}
