import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError, createAttention } from '@attention-zoo/attention-core';
import { denseSoftmaxReference } from '@attention-zoo/attention-core/testing';
import {
  BigBirdAttention,
  LongformerAttention,
  MixedSparseAttention,
  SparseAttention,
  bigBirdAttention,
  bigBirdRandomBlocks,
  fixedAttention,
  longformerAttention,
  slidingWindowAttention,
  stridedAttention,
} from '@attention-zoo/sparse-patterns';
import { expectClose, maxAbsDiff, useBackend } from '@attention-zoo/test-utils';

const x = (n: number, seed = 1, dim = 16) => tf.randomNormal([2, n, dim], 0, 1, 'float32', seed) as tf.Tensor3D;
const qkv = (n: number, h = 2, d = 8) => [1, 2, 3].map((s) => tf.randomNormal([2, h, n, d], 0, 1, 'float32', s) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

describe('sparse patterns (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const configs: [string, Record<string, unknown>, number][] = [
    ['local', { radius: 3 }, 20],
    ['local', { radius: 2, dilation: 3, causal: true }, 19],
    ['strided', { stride: 3, causal: true }, 17],
    ['sparse-fixed', { blockSize: 5, summarySize: 2, causal: true }, 18],
    ['longformer', { radius: 1, globalIndices: [2, -1], dilation: [1, 2] }, 16],
    ['longformer', { radius: 2, globalIndices: [5], causal: true }, 16],
    ['bigbird', { blockSize: 2, numRandomBlocks: 2, globalBlocks: [1], randomSeed: 5 }, 20],
    ['mixed-sparse', { headPatterns: [{ pattern: 'sparse-fixed', blockSize: 4, summarySize: 1 }, { pattern: 'longformer', radius: 1, globalIndices: [3] }], causal: true }, 17],
    ['mixed-sparse', { headPatterns: [{ pattern: 'local', radius: 2, dilation: 2 }, { pattern: 'local', radius: 2, dilation: 2 }] }, 15],
  ];
  for (const [name, extra, n] of configs) {
    it(`${name} ${JSON.stringify(extra)}: output = dense softmax under patternMask, and patternMask = support of attentionMap`, async () => {
      const layer = createAttention(name, { dim: 16, numHeads: 2, seed: 3, ...extra }) as SparseAttention;
      const input = x(n);
      const y = layer.apply(input) as tf.Tensor;
      const mask = await layer.patternMask(n).array();
      const want = await denseSoftmaxReference(layer, input, { pattern: (i, j, h) => mask[h]![i]![j] === 1 });
      await expectClose(y, want, { atol: 1e-4, rtol: 1e-3, what: `${name} vs dense masked reference` });
      const map = layer.attentionMap(input);
      const support = tf.cast(tf.notEqual(map, 0), 'float32');
      expect(await maxAbsDiff(support, tf.broadcastTo(tf.expandDims(layer.patternMask(n), 0), map.shape))).toBe(0);
      layer.dispose();
    });
  }

  it('no op forms an N×N tensor: every kernel output is under N²/4 per batch·head', async () => {
    const n = 512;
    const [q, k, v] = qkv(n, 2, 4);
    const ops: [string, () => tf.Tensor][] = [
      ['local', () => slidingWindowAttention(q, k, v, { radius: 8 })],
      ['dilated causal', () => slidingWindowAttention(q, k, v, { radius: 8, dilation: 4, causal: true })],
      ['strided', () => stridedAttention(q, k, v, { stride: 16 })],
      ['fixed', () => fixedAttention(q, k, v, { blockSize: 32, summarySize: 2 })],
      ['longformer', () => longformerAttention(q, k, v, { radius: 8, globalIndices: [0, 100], dilation: [1, 2] })],
      ['bigbird', () => bigBirdAttention(q, k, v, { blockSize: 8, randomBlocks: bigBirdRandomBlocks({ numBlocks: 64, numHeads: 2, numRandomBlocks: 2, windowBlocks: 3, globalBlocks: [0, 63], seed: 1 }) })],
    ];
    for (const [what, run] of ops) {
      const info = await tf.profile(() => run());
      const biggest = Math.max(...info.kernels.flatMap((kk) => (kk.outputShapes as number[][]).map((s) => s.reduce((a, b) => a * b, 1))));
      expect(biggest / 4, `${what}: largest intermediate has ${biggest} elements`).toBeLessThan((n * n) / 4);
    }
  });

  it('Longformer added global tokens equal prepending them and marking them global', async () => {
    const a = new LongformerAttention({ dim: 16, numHeads: 2, radius: 1, numGlobalTokens: 1, globalIndices: [3], seed: 2 });
    const input = x(10);
    const ya = a.apply(input) as tf.Tensor;
    const b = new LongformerAttention({ dim: 16, numHeads: 2, radius: 1, globalIndices: [0, 4], seed: 2 });
    const token = tf.tile(tf.expandDims(a.weight('global/tokens').read(), 0), [2, 1, 1]);
    (b.apply(tf.concat([token, input], 1)) as tf.Tensor).dispose(); // builds b
    b.setWeights(a.getWeights().filter((_, i) => a.weightPaths()[i] !== 'global/tokens'));
    const yb2 = tf.slice(b.apply(tf.concat([token, input], 1)) as tf.Tensor, [0, 1, 0], [2, 10, 16]);
    await expectClose(ya, yb2, { atol: 1e-5, what: 'added global token' });
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(a.apply(input) as tf.Tensor)) as tf.Scalar, [a.weight('global/tokens').read() as tf.Variable]);
    expect(Object.values(grads).length).toBe(1);
    expect((await tf.sum(tf.abs(Object.values(grads)[0]!)).data())[0]).toBeGreaterThan(0);
  });

  it('Longformer global projections change only the global rows, and equal the shared ones when the weights match', async () => {
    const plain = new LongformerAttention({ dim: 16, numHeads: 2, radius: 1, globalIndices: [4], seed: 2 });
    const sep = new LongformerAttention({ dim: 16, numHeads: 2, radius: 1, globalIndices: [4], globalProjections: true, seed: 2 });
    const input = x(12);
    const y0 = plain.apply(input) as tf.Tensor;
    const y1 = sep.apply(input) as tf.Tensor;
    const rows = (t: tf.Tensor, i: number) => tf.slice(t, [0, i, 0], [2, 1, 16]);
    expect(await maxAbsDiff(rows(y0, 4), rows(y1, 4))).toBeGreaterThan(1e-3);
    // Same q/k/v/out weights, and global = shared copies: identical outputs.
    const byPath = new Map(plain.weightPaths().map((p, i) => [p, plain.getWeights()[i]!]));
    sep.setWeights(sep.weightPaths().map((p) => byPath.get(p.replace(/^global\//, ''))!));
    await expectClose(sep.apply(input) as tf.Tensor, y0, { atol: 1e-5, what: 'global projections equal to the shared ones' });
  });

  it('BigBird random blocks are reproducible per seed, distinct, and avoid window and global blocks', () => {
    const o = { numBlocks: 16, numHeads: 3, numRandomBlocks: 3, windowBlocks: 3, globalBlocks: [0, 15], seed: 11 };
    const r = bigBirdRandomBlocks(o);
    expect(bigBirdRandomBlocks(o)).toEqual(r);
    expect(bigBirdRandomBlocks({ ...o, seed: 12 })).not.toEqual(r);
    expect(r[0]).not.toEqual(r[1]); // per head
    for (const head of r) {
      head.forEach((row, I) => {
        if (I === 0 || I === 15) return expect(row).toEqual([-1, -1, -1]);
        expect(new Set(row).size).toBe(3);
        for (const J of row) {
          expect(Math.abs(J - I)).toBeGreaterThan(1);
          expect([0, 15]).not.toContain(J);
        }
      });
    }
    const layer = new BigBirdAttention({ dim: 16, numHeads: 2, blockSize: 4, seed: 9 });
    const again = BigBirdAttention.fromConfig(BigBirdAttention, JSON.parse(JSON.stringify(layer.getConfig()))) as BigBirdAttention;
    expect(again.randomBlocks(64)).toEqual(layer.randomBlocks(64));
  });

  it('a BigBird random block that repeats a window or global block counts once', async () => {
    const [q, k, v] = qkv(16);
    const dup = bigBirdAttention(q, k, v, { blockSize: 4, globalBlocks: [0], randomBlocks: [[-1], [2], [0], [2]] });
    const none = bigBirdAttention(q, k, v, { blockSize: 4, globalBlocks: [0], randomBlocks: [[-1], [-1], [-1], [-1]] });
    expect(await maxAbsDiff(dup, none)).toBeLessThan(1e-6);
  });

  it('bad input raises errors that name the problem', () => {
    const [q, k, v] = qkv(10);
    expect(() => slidingWindowAttention(q, k, v, { radius: 1.5 })).toThrow(AttentionConfigError);
    expect(() => slidingWindowAttention(q, k, v, { radius: 2, dilation: 0 })).toThrow(/dilation must be an integer ≥ 1/);
    expect(() => stridedAttention(q, k, v, { stride: 0 })).toThrow(/stride must be an integer ≥ 1/);
    expect(() => fixedAttention(q, k, v, { blockSize: 4, summarySize: 5 })).toThrow(/summarySize 5 must not exceed blockSize 4/);
    expect(() => longformerAttention(q, k, v, { radius: 1, globalIndices: [10] })).toThrow(AttentionInputError);
    expect(() => longformerAttention(q, k, v, { radius: 1, globalIndices: [10] })).toThrow(/global index 10 is out of range for a sequence of 10 tokens/);
    expect(() => longformerAttention(q, k, v, { radius: 1, dilation: [1, 2, 3] })).toThrow(/dilation has 3 entries but there are 2 heads/);
    expect(() => bigBirdAttention(q, k, v, { blockSize: 4 })).toThrow(/10 tokens are not a multiple of blockSize 4; pad the sequence to 12/);
    const [q2, k2, v2] = qkv(16);
    expect(() => bigBirdAttention(q2, k2, v2, { blockSize: 4, windowBlocks: 2 })).toThrow(/windowBlocks must be odd/);
    expect(() => bigBirdAttention(q2, k2, v2, { blockSize: 4, globalBlocks: [4] })).toThrow(/global block 4 is out of range for 4 blocks/);
    expect(() => bigBirdAttention(q2, k2, v2, { blockSize: 4, randomBlocks: [[7], [1], [2], [3]] })).toThrow(/random block 7 is out of range/);
    const layer = new LongformerAttention({ dim: 16, numHeads: 2, globalIndices: [30] });
    expect(() => layer.apply(x(10))).toThrow(/global index 30 is out of range for 10 tokens/);
    const bird = new BigBirdAttention({ dim: 16, numHeads: 2, blockSize: 4 });
    expect(() => bird.apply(x(10))).toThrow(/10 tokens are not a multiple of blockSize 4/);
    expect(() => new BigBirdAttention({ dim: 16, numHeads: 2, causal: true })).toThrow(/no causal form/);
    expect(() => new MixedSparseAttention({ dim: 16, numHeads: 2, headPatterns: [{ pattern: 'local' }] })).toThrow(/headPatterns has 1 entries but there are 2 heads/);
    expect(() => new MixedSparseAttention({ dim: 16, numHeads: 2, headPatterns: [{ pattern: 'local' }, { pattern: 'bigbird' } as never] })).toThrow(
      /option `headPatterns\[1\].pattern` = "bigbird" is invalid: .*expected one of "local"\|"strided"\|"sparse-fixed"\|"longformer"/,
    );
    expect(() => new MixedSparseAttention({ dim: 16, numHeads: 2, headPatterns: [{ pattern: 'local', radius: -1 }, { pattern: 'local' }] })).toThrow(/option `radius` = -1 is invalid: Too small: expected number to be >=0/);
  });
});
