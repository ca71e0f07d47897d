import { getAttention } from '@attention-zoo/attention-core';
import { growthExponent } from '@attention-zoo/attention-core/analysis';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import { measurePoint } from '../src/complexity/measure.js';

beforeAll(() => useBackend('cpu'));

describe('growthExponent', () => {
  it('recovers the power of a power law and needs two points', () => {
    expect(growthExponent([16, 64, 256].map((n) => ({ n, y: 3 * n ** 2 })))).toBeCloseTo(2, 10);
    expect(growthExponent([16, 64, 256].map((n) => ({ n, y: 0.5 * n })))).toBeCloseTo(1, 10);
    expect(growthExponent([{ n: 16, y: 1 }])).toBeNull();
    expect(growthExponent([{ n: 16, y: 1 }, { n: 16, y: 2 }])).toBeNull();
  });
});

describe('measurePoint', () => {
  it('times softmax on cpu; its peak memory grows about quadratically with N and nothing leaks', async () => {
    const d = getAttention('softmax');
    const before = tf.memory().numTensors;
    const points = [];
    for (const n of [32, 64, 128]) points.push(await measurePoint(d, n, { dim: 16, numHeads: 2, repeats: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    for (const p of points) {
      expect(p.error).toBeUndefined();
      expect(p.backend).toBe('cpu');
      expect(p.ms).toBeGreaterThan(0);
      expect(p.peakBytes).toBeGreaterThan(0);
    }
    // The [heads, N, N] logits dominate: the memory exponent lies between linear and quadratic, near 2.
    const e = growthExponent(points.map((p) => ({ n: p.tokens, y: p.peakBytes! })))!;
    expect(e).toBeGreaterThan(1.4);
    expect(e).toBeLessThan(2.2);
  });

  it('reports a layer that cannot be built instead of throwing', async () => {
    const p = await measurePoint(getAttention('softmax'), 16, { dim: 10, numHeads: 3, repeats: 1 });
    expect(p.error).toMatch(/dim 10 is not divisible by numHeads 3/);
  });

  it('gives grid variants the most nearly square grid of N, square or not', async () => {
    const flatten = getAttention('flatten');
    expect(flatten.capabilities.needsGrid).toBe(true);
    for (const n of [64, 32]) {
      const p = await measurePoint(flatten, n, { dim: 16, numHeads: 2, repeats: 1 });
      expect(p.error, `N=${n}`).toBeUndefined();
      expect(p.ms).toBeGreaterThan(0);
    }
  });
});
