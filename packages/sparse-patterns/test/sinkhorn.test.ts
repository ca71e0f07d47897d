import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { SinkhornAttention, sinkhorn, sinkhornAttention } from '@attention-zoo/sparse-patterns';
import { expectClose, maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import { sinkhornDenseReference } from './sinkhorn-reference.js';

const x = (n: number, seed = 1, dim = 16) => tf.randomNormal([2, n, dim], 0, 1, 'float32', seed) as tf.Tensor3D;

describe('sinkhorn (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [extra, n] of [
    [{ blockSize: 4, sinkhornIterations: 0, temperature: 1 }, 12],
    [{ blockSize: 2, sinkhornIterations: 10, temperature: 0.5 }, 16],
    [{ blockSize: 5, sinkhornIterations: 3 }, 20],
    [{ blockSize: 4, causal: true }, 16],
    [{ blockSize: 3, causal: true, temperature: 0.5 }, 15],
  ] as [Record<string, unknown>, number][]) {
    it(`${JSON.stringify(extra)}, N = ${n}: output = float64 dense reference, with and without padding`, async () => {
      const layer = new SinkhornAttention({ dim: 16, numHeads: 2, seed: 4, ...extra });
      const input = x(n);
      await expectClose(layer.apply(input) as tf.Tensor, await sinkhornDenseReference(layer, input), { atol: 1e-4, rtol: 1e-3, what: 'plain' });
      const keyPaddingMask = tf.tensor2d([Array(n).fill(1), Array.from({ length: n }, (_, j) => (j < n - 7 ? 1 : 0))]);
      await expectClose(layer.apply(input, { keyPaddingMask }) as tf.Tensor, await sinkhornDenseReference(layer, input, { keyPaddingMask }), {
        atol: 1e-4,
        rtol: 1e-3,
        what: 'masked',
      });
      layer.dispose();
    });
  }

  it('Sinkhorn balancing gives a doubly stochastic matrix', async () => {
    const p = sinkhorn(tf.randomNormal([3, 6, 6], 0, 2, 'float32', 3) as tf.Tensor3D, 30);
    await expectClose(tf.sum(p, 2), tf.ones([3, 6]), { atol: 1e-4, what: 'rows' });
    await expectClose(tf.sum(p, 1), tf.ones([3, 6]), { atol: 1e-4, what: 'columns' });
  });

  it('Gumbel noise only in training: inference is deterministic, training samples differ', async () => {
    const layer = new SinkhornAttention({ dim: 16, numHeads: 2, blockSize: 4, seed: 2 });
    const input = x(16);
    expect(await maxAbsDiff(layer.apply(input) as tf.Tensor, layer.apply(input) as tf.Tensor)).toBe(0);
    const a = layer.apply(input, { training: true }) as tf.Tensor;
    const b = layer.apply(input, { training: true }) as tf.Tensor;
    expect(await maxAbsDiff(a, b)).toBeGreaterThan(1e-4);
  });

  it('never forms an N×N tensor, N = 512', async () => {
    const n = 512;
    const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 2, n, 8], 0, 1, 'float32', s) as tf.Tensor4D);
    const info = await tf.profile(() => sinkhornAttention(q!, k!, v!, { blockSize: 32, sortKernel: tf.eye(8) as tf.Tensor2D }));
    const biggest = Math.max(...info.kernels.flatMap((kk) => (kk.outputShapes as number[][]).map((s) => s.reduce((a, c) => a * c, 1))));
    expect(biggest / 2, `largest intermediate has ${biggest} elements for 2 heads`).toBeLessThan((n * n) / 4);
  });

  it('bad input raises errors that name the problem', () => {
    expect(() => new SinkhornAttention({ dim: 16, numHeads: 2, temperature: 0 })).toThrow(AttentionConfigError);
    expect(() => new SinkhornAttention({ dim: 16, numHeads: 2, temperature: 0 })).toThrow(/option `temperature` = 0 is invalid: Too small: expected number to be >0/);
    expect(() => new SinkhornAttention({ dim: 16, numHeads: 2, blockSize: 0 })).toThrow(/option `blockSize` = 0 is invalid: Too small/);
    const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 2, 8, 4], 0, 1, 'float32', s) as tf.Tensor4D);
    const sortKernel = tf.eye(2) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    // The functional op has the layer's bound: 10⁹ iterations would run for hours.
    expect(() => sinkhornAttention(q!, k!, v!, { blockSize: 4, sortKernel, iterations: 1e9 })).toThrow(/iterations must be at most 1000, got 1000000000/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q!, k!, v!, sortKernel]);
    const layer = new SinkhornAttention({ dim: 16, numHeads: 2, blockSize: 4 });
    expect(() => layer.apply(x(10))).toThrow(AttentionInputError);
    expect(() => layer.apply(x(10))).toThrow(/10 tokens are not a multiple of blockSize 4; pad the sequence to 12/);
  });
});
