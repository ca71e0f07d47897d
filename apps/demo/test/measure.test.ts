import { getAttention } from '@attention-zoo/attention-core';
import { growthExponent } from '@attention-zoo/attention-core/analysis';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import { fitExponent } from '../src/complexity/fit.js';
import { measurePoint } from '../src/complexity/measure.js';
import { Cancelled } from '../src/job.js';

const live = new AbortController().signal;

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
    for (const n of [32, 64, 128]) points.push(await measurePoint(d, n, { dim: 16, numHeads: 2, repeats: 1 }, live));
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
    const p = await measurePoint(getAttention('softmax'), 16, { dim: 10, numHeads: 3, repeats: 1 }, live);
    expect(p.error).toMatch(/dim 10 is not divisible by numHeads 3/);
  });

  it('gives grid variants the most nearly square grid of N, square or not', async () => {
    const flatten = getAttention('flatten');
    expect(flatten.capabilities.needsGrid).toBe(true);
    for (const n of [64, 32]) {
      const p = await measurePoint(flatten, n, { dim: 16, numHeads: 2, repeats: 1 }, live);
      expect(p.error, `N=${n}`).toBeUndefined();
      expect(p.ms).toBeGreaterThan(0);
    }
  });
});

describe('measurePoint cancellation', () => {
  it('stops between timed passes once its signal is aborted, and frees what it built', async () => {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    const pending = measurePoint(getAttention('softmax'), 64, { dim: 16, numHeads: 2, repeats: 50 }, stop.signal);
    stop.abort('left the page');
    await expect(pending).rejects.toBeInstanceOf(Cancelled);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fitExponent', () => {
  it('fits only over N ≥ 256 and says over which sizes', () => {
    // Fixed costs flatten the small sizes (as the wasm lab measured softmax: 0.30 over 16, 64); above 256 it is quadratic.
    const pts = [16, 64, 256, 512, 1024].map((n) => ({ n, y: 1 + 1e-4 * n * n }));
    const f = fitExponent(pts);
    expect(f.range).toEqual([256, 1024]);
    expect(f.exponent!).toBeGreaterThan(1.85);
    expect(growthExponent(pts)!).toBeLessThan(1.2); // all sizes: the misleading slope the lab showed
    expect(fitExponent([{ n: 16, y: 1 }, { n: 64, y: 2 }, { n: 256, y: 9 }])).toEqual({ exponent: null, range: null });
  });
});
