import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError, createAttention } from '@attention-zoo/attention-core';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { expectClose, maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import { orthogonalRandomFeatures, performerAttention, PerformerAttention } from '../src/index.js';

const rand = (shape: number[], seed: number, scale = 1) => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale) as tf.Tensor4D;

describe('Performer FAVOR+ (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('draws orthogonal rows inside each block of d, with χ(d) or √d lengths, reproducibly from a seed', async () => {
    const d = 8;
    const w = orthogonalRandomFeatures(20, d, { seed: 3, scaling: 1 }); // 2 full blocks + 4 rows
    const g = (await tf.matMul(w, w, false, true).array()) as number[][];
    for (let i = 0; i < 20; i++) {
      expect(g[i]![i]).toBeCloseTo(d, 4); // scaling 1: every row has length √d
      for (let j = 0; j < 20; j++) if (i !== j && Math.floor(i / d) === Math.floor(j / d)) expect(Math.abs(g[i]![j]!)).toBeLessThan(1e-4);
    }
    const chi = orthogonalRandomFeatures(20, d, { seed: 3 });
    const lengths = (await tf.norm(chi, 2, 1).array()) as number[];
    expect(new Set(lengths.map((l) => l.toFixed(3))).size).toBeGreaterThan(10); // χ(d) lengths differ row to row
    expect(await maxAbsDiff(orthogonalRandomFeatures(20, d, { seed: 3 }), chi)).toBe(0);
    expect(await maxAbsDiff(orthogonalRandomFeatures(20, d, { seed: 4 }), chi)).toBeGreaterThan(0.1);
    expect(() => orthogonalRandomFeatures(0, d)).toThrow(AttentionConfigError);
    expect(() => orthogonalRandomFeatures(4, d, { scaling: 2 as 0 })).toThrow(/scaling must be 0/);
  });

  it('with ε = 0 equals the paper formula exp(ωx′ − ‖x′‖²/2)/√m with no stabiliser (non-causal and causal)', async () => {
    const [q, k, v] = [rand([1, 2, 10, 4], 1), rand([1, 2, 10, 4], 2), rand([1, 2, 10, 4], 3)];
    const omega = orthogonalRandomFeatures(12, 4, { seed: 5 });
    const phi = (x: tf.Tensor4D) => {
      const xs = tf.mul(x, 4 ** -0.25);
      return tf.div(tf.exp(tf.sub(tf.einsum('bhnd,md->bhnm', xs, omega), tf.div(tf.sum(tf.square(xs), -1, true), 2))), Math.sqrt(12));
    };
    for (const causal of [false, true]) {
      let s = tf.matMul(phi(q), phi(k), false, true); // [1, 2, 10, 10], dense on purpose (reference)
      if (causal) s = tf.mul(s, tf.linalg.bandPart(tf.ones([10, 10]), -1, 0));
      const want = tf.matMul(tf.div(s, tf.sum(s, -1, true)), v);
      await expectClose(performerAttention(q, k, v, { projection: omega, causal, numericalStabilizer: 0 }), want, { atol: 1e-5, rtol: 1e-4 });
    }
  });

  it('approximates softmax attention, better with more features', async () => {
    const [q, k, v] = [rand([1, 1, 16, 8], 11, 0.7), rand([1, 1, 16, 8], 12, 0.7), rand([1, 1, 16, 8], 13)];
    const exact = scaledDotProductAttention(q, k, v);
    const err = async (m: number) => {
      let total = 0;
      for (let s = 0; s < 3; s++) {
        const approx = performerAttention(q, k, v, { projection: orthogonalRandomFeatures(m, 8, { seed: 100 + s }) });
        total += (await tf.mean(tf.abs(tf.sub(approx, exact))).data())[0]!;
      }
      return total / 3;
    };
    const [few, many] = [await err(8), await err(2048)];
    expect(many).toBeLessThan(0.05);
    expect(many).toBeLessThan(few / 3);
  });

  it('a layer draws its projection from its seed, redraws on demand and accepts a given ω', async () => {
    const x = tf.randomNormal([2, 6, 16], 0, 1, 'float32', 1) as tf.Tensor3D;
    const a = createAttention('performer', { dim: 16, numHeads: 2, numFeatures: 12, seed: 9 }) as PerformerAttention;
    const b = createAttention('performer', { dim: 16, numHeads: 2, numFeatures: 12, seed: 9 }) as PerformerAttention;
    const ya = a.apply(x) as tf.Tensor;
    expect(await maxAbsDiff(b.apply(x) as tf.Tensor, ya)).toBe(0);
    expect(a.projection().shape).toEqual([12, 8]);
    const before = a.projection();
    a.redrawFeatures();
    b.redrawFeatures();
    expect(await maxAbsDiff(a.projection(), before)).toBeGreaterThan(0.1);
    expect(await maxAbsDiff(a.projection(), b.projection())).toBe(0); // the seeded sequence is reproducible
    expect(await maxAbsDiff(a.apply(x) as tf.Tensor, ya)).toBeGreaterThan(1e-4);
    a.redrawFeatures(42);
    const given = orthogonalRandomFeatures(12, 8, { seed: 42 });
    expect(await maxAbsDiff(a.projection(), given)).toBe(0);
    b.setProjection(given);
    expect(await maxAbsDiff(b.apply(x) as tf.Tensor, a.apply(x) as tf.Tensor)).toBe(0);
    expect(() => b.setProjection(tf.zeros([12, 4]) as tf.Tensor2D)).toThrow(/projection must be \[numFeatures=12, headDim=8\]/);
    expect(a.getConfig()).toMatchObject({ numFeatures: 12, orthogonal: true, orthoScaling: 0, numericalStabilizer: 1e-6 });
  });

  it('rejects bad configs and projections with errors that name the problem', () => {
    expect(() => createAttention('performer', { dim: 16, numHeads: 2, numFeatures: 0 })).toThrow(/option `numFeatures` = 0 is invalid: Too small/);
    expect(() => createAttention('performer', { dim: 16, numHeads: 2, numFeatures: 2.5 })).toThrow(AttentionConfigError);
    expect(() => createAttention('performer', { dim: 16, numHeads: 2, orthoScaling: 3 })).toThrow(/option `orthoScaling` = 3 is invalid: expected 0 \(χ\(d\) row lengths/);
    expect(() => createAttention('performer', { dim: 16, numHeads: 2, numericalStabilizer: -1 })).toThrow(/numericalStabilizer/);
    const q = rand([1, 1, 4, 8], 1);
    expect(() => performerAttention(q, q, q, { projection: tf.zeros([5, 4]) as tf.Tensor2D })).toThrow(AttentionInputError);
    expect(() => performerAttention(q, q, q, { projection: tf.zeros([0, 8]) as tf.Tensor2D })).toThrow(/at least 1 feature/);
    const fresh = new PerformerAttention({ dim: 16, numHeads: 2 });
    expect(() => fresh.redrawFeatures()).toThrow(/not built yet/);
  });

  it('causal: large later keys leave earlier outputs unchanged (no key maximum over future tokens)', async () => {
    const [q, k, v] = [rand([1, 1, 12, 8], 21), rand([1, 1, 12, 8], 22), rand([1, 1, 12, 8], 23)];
    const projection = orthogonalRandomFeatures(64, 8, { seed: 1 });
    const bigLater = tf.concat([tf.slice(k, [0, 0, 0, 0], [1, 1, 6, 8]), tf.mul(tf.slice(k, [0, 0, 6, 0], [1, 1, 6, 8]), 8)], 2) as tf.Tensor4D;
    const y = performerAttention(q, k, v, { projection, causal: true });
    const y2 = performerAttention(q, bigLater, v, { projection, causal: true });
    const early = (t: tf.Tensor4D) => tf.slice(t, [0, 0, 0, 0], [1, 1, 6, 8]);
    expect(await maxAbsDiff(early(y), early(y2))).toBeLessThan(1e-6);
    await expect(Promise.all([y.data(), y2.data()])).resolves.toBeTruthy();
    for (const t of [y, y2]) expect((await t.data()).every(Number.isFinite)).toBe(true);
  });
});
