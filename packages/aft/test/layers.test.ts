import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  getAttention,
  type AttentionLayer,
} from '@attention-zoo/attention-core';
import { dense, mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import '@attention-zoo/aft';
import type { AftConv } from '@attention-zoo/aft';
import { useBackend } from '@attention-zoo/test-utils';
import { denseAftReference } from './dense-aft.js';

await useBackend('cpu');

const x = (t: number, dim = 8, seed = 1) => tf.randomNormal([2, t, dim], 0, 1, 'float32', seed) as tf.Tensor3D;
const maxDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!;
const make = (name: string, config: Record<string, unknown>) => createAttention(name, { dim: 8, numHeads: 2, seed: 3, ...config } as never);

describe('AFT layers', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [name, config] of [
    ['aft-full', { maxTokens: 12 }],
    ['aft-full', { maxTokens: 12, factorDim: 2, causal: true }],
    ['aft-local', { maxTokens: 12, windowSize: 2 }],
    ['aft-local', { maxTokens: 12, windowSize: 3, causal: true }],
  ] as const) {
    it(`${name} ${JSON.stringify(config)}: shorter inputs use the top-left block of w (T = 5, 9, 12)`, async () => {
      const layer = make(name, config);
      for (const t of [12, 5, 9]) {
        const input = x(t);
        expect(await maxDiff(layer.apply(input) as tf.Tensor, await denseAftReference(layer, input))).toBeLessThan(1e-5);
      }
    });
  }

  it('AFT-simple takes any length', async () => {
    const layer = make('aft-simple', { causal: true });
    for (const t of [1, 7, 40]) {
      const input = x(t);
      expect(await maxDiff(layer.apply(input) as tf.Tensor, await denseAftReference(layer, input))).toBeLessThan(1e-5);
    }
  });

  // With one channel per head, the implied attention (Eq. 3) is exact: out = out_proj(σ(Q) ⊙ A·V).
  // AFT-conv has one key per head, so its map is exact per head for any head width.
  for (const [name, config] of [
    ['aft-full', { maxTokens: 10, numHeads: 8 }],
    ['aft-full', { maxTokens: 10, numHeads: 8, causal: true }],
    ['aft-simple', { numHeads: 8, causal: true }],
    ['aft-local', { maxTokens: 10, numHeads: 8, windowSize: 3 }],
    ['aft-local', { maxTokens: 10, numHeads: 8, windowSize: 2, causal: true }],
    ['aft-conv', { grid: [2, 5], numHeads: 2, kernelSize: 3, gammaInit: 0.7 }],
  ] as const) {
    it(`${name} ${JSON.stringify(config)}: attentionMap is the implied attention (σ(Q) ⊙ A·V gives the output)`, async () => {
      const layer = make(name, config);
      const input = x(10);
      const y = layer.apply(input) as tf.Tensor;
      const map = layer.attentionMap(input);
      const h = layer.numHeads;
      expect(map.shape).toEqual([2, h, 10, 10]);
      expect(await maxDiff(tf.sum(map, -1), tf.ones([2, h, 10]))).toBeLessThan(1e-5); // each row is a distribution
      const w = (p: string) => layer.weight(p).read() as tf.Tensor;
      const proj = (p: string) => splitHeads(dense(input, w(`${p}/kernel`) as tf.Tensor2D, w(`${p}/bias`) as tf.Tensor1D) as tf.Tensor3D, h);
      const mixed = tf.mul(tf.sigmoid(mergeHeads(proj('q'))), mergeHeads(tf.matMul(map, proj('v'))));
      const want = dense(mixed, w('out/kernel') as tf.Tensor2D, w('out/bias') as tf.Tensor1D);
      expect(await maxDiff(y, want)).toBeLessThan(1e-5);
      if ('causal' in config) {
        const above = tf.sum(tf.mul(map, tf.sub(1, tf.linalg.bandPart(tf.ones([10, 10]), -1, 0))));
        expect((await above.data())[0]).toBe(0);
      }
    });
  }

  it('AFT-conv: K has one channel per head; the paper’s γ = β = 0 start gives exp(w) − 1 = 0, i.e. AFT-simple', async () => {
    const layer = make('aft-conv', { grid: [3, 3], numHeads: 2, kernelSize: 3 }) as AftConv;
    const input = x(9);
    layer.apply(input);
    expect(layer.weight('k/kernel').shape).toEqual([8, 2]);
    expect(layer.weight('pos/w').shape).toEqual([2, 3, 3]);
    expect(await tf.max(tf.abs(layer.kernel())).data()).toEqual(new Float32Array([0]));
    expect(await maxDiff(layer.apply(input) as tf.Tensor, await denseAftReference(layer, input))).toBeLessThan(1e-5);
  });

  it('AFT-conv re-parameterisation: each head’s kernel has mean β and std γ', async () => {
    const layer = make('aft-conv', { grid: [4, 4], numHeads: 2, kernelSize: 3 }) as AftConv;
    layer.apply(x(16));
    layer.weight('pos/gamma').write(tf.tensor1d([2, 0.5]));
    layer.weight('pos/beta').write(tf.tensor1d([-1, 3]));
    const { mean, variance } = tf.moments(layer.kernel(), [1, 2]);
    expect(Array.from(await mean.data()).map((m) => +m.toFixed(4))).toEqual([-1, 3]);
    const std = Array.from(await tf.sqrt(variance).data());
    expect(std[0]).toBeCloseTo(2, 3);
    expect(std[1]).toBeCloseTo(0.5, 3);
  });

  it('capabilities and cost models', () => {
    for (const name of ['aft-full', 'aft-simple', 'aft-local', 'aft-conv']) expect(getAttention(name).family).toBe('aft');
    expect(getAttention('aft-full').capabilities).toMatchObject({ causal: true, needsMaxTokens: true, needsGrid: false });
    expect(getAttention('aft-local').capabilities).toMatchObject({ causal: true, needsMaxTokens: true });
    expect(getAttention('aft-simple').capabilities).toMatchObject({ causal: true, needsMaxTokens: false });
    expect(getAttention('aft-conv').capabilities).toMatchObject({ causal: false, needsGrid: true, needsMaxTokens: false });
    const at = (name: string, tokens: number, extra = {}) => getAttention(name).cost({ tokens, dim: 64, numHeads: 4, ...extra });
    // Mixing cost: quadratic for full, linear for simple, local and conv (at fixed s).
    const mix = (name: string, tokens: number, extra = {}) => at(name, tokens, extra).flops - 4 * tokens * 64 * 64;
    expect(mix('aft-full', 2048) / mix('aft-full', 1024)).toBeCloseTo(4, 1);
    for (const name of ['aft-simple', 'aft-local']) expect(mix(name, 2048) / mix(name, 1024)).toBeCloseTo(2, 5);
    expect(at('aft-local', 1024, { windowSize: 64 }).flops).toBeGreaterThan(at('aft-local', 1024, { windowSize: 8 }).flops);
    expect(at('aft-conv', 196, { kernelSize: 11 }).flops).toBeGreaterThan(at('aft-conv', 196, { kernelSize: 3 }).flops);
  });
});

describe('AFT layers: bad configs and inputs name the problem', () => {
  beforeAll(() => useBackend('cpu'));
  const expectError = (f: () => unknown, type: typeof AttentionConfigError | typeof AttentionInputError, pattern: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(pattern);
  };

  it('T over maxTokens', () => {
    const layer: AttentionLayer = make('aft-full', { maxTokens: 6, name: 'lm' });
    expectError(() => layer.apply(x(7)), AttentionInputError, /AftFull 'lm': input has 7 tokens, more than maxTokens 6/);
    expectError(() => make('aft-local', { maxTokens: 6 }).apply(x(9)), AttentionInputError, /more than maxTokens 6/);
    expectError(() => make('aft-full', {}), AttentionConfigError, /pass maxTokens/);
  });

  it('window s < 1, bad factorDim', () => {
    expectError(() => make('aft-local', { maxTokens: 6, windowSize: 0 }), AttentionConfigError, /option `windowSize` = 0 is invalid: Too small: expected number to be >=1/);
    expectError(() => make('aft-local', { maxTokens: 6, windowSize: -3 }), AttentionConfigError, /option `windowSize` = -3 is invalid/);
    expectError(() => make('aft-full', { maxTokens: 6, factorDim: 0 }), AttentionConfigError, /option `factorDim` = 0 is invalid/);
  });

  it('AFT-conv: grid missing, tokens ≠ grid, kernel larger than the grid allows or even, no causal form', () => {
    expectError(() => make('aft-conv', {}), AttentionConfigError, /needs the token grid: pass grid/);
    expectError(() => make('aft-conv', { grid: [3, 3] }), AttentionConfigError, /kernelSize 7 is larger than the grid \[3, 3\] allows/);
    expectError(() => make('aft-conv', { grid: [8, 2], kernelSize: 5 }), AttentionConfigError, /kernelSize 5 is larger than the grid \[8, 2\]/);
    expectError(() => make('aft-conv', { grid: [4, 4], kernelSize: 4 }), AttentionConfigError, /kernelSize must be an odd positive integer/);
    expectError(() => make('aft-conv', { grid: [4, 4], causal: true }), AttentionConfigError, /no causal form/);
    expectError(() => make('aft-conv', { grid: [3, 3], kernelSize: 3 }).apply(x(8)), AttentionInputError, /grid \[3, 3\] holds 9/);
  });
});
