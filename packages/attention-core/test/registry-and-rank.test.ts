import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  createAttention,
  getAttention,
  listAttentions,
  registerAttention,
  RegistryError,
  SoftmaxAttention,
} from '@attention-zoo/attention-core';
import { eluFeatureMap, linearAttentionWeights, softmaxAttentionWeights } from '@attention-zoo/attention-core/ops';
import { matrixRank, matrixRankOf, singularValues } from '@attention-zoo/attention-core/analysis';
import { useBackend } from '@attention-zoo/test-utils';

describe('registry', () => {
  it('lists softmax with its paper, capabilities and cost model', () => {
    const softmax = listAttentions().find((d) => d.name === 'softmax');
    expect(softmax?.paper.url).toBe('https://arxiv.org/abs/1706.03762');
    expect(softmax?.capabilities).toBe(SoftmaxAttention.capabilities);
    expect(softmax?.capabilities.causal).toBe(true);
    const c1 = softmax!.cost({ tokens: 1024, dim: 64, numHeads: 4 });
    const c2 = softmax!.cost({ tokens: 2048, dim: 64, numHeads: 4 });
    // The N² terms dominate: doubling N roughly quadruples scores memory.
    expect(c2.activationBytes / c1.activationBytes).toBeGreaterThan(3.5);
  });

  it('creates layers by name and rejects unknown names, bad names and duplicates', () => {
    expect(createAttention('softmax', { dim: 8, numHeads: 2, unusedByThisVariant: 3 }, { lenient: true })).toBeInstanceOf(SoftmaxAttention);
    expect(() => getAttention('sofmax')).toThrow(/unknown attention 'sofmax'; registered: .*softmax/);
    expect(() => createAttention('softmax', { dim: 10, numHeads: 4 })).toThrow(AttentionConfigError);
    expect(() => createAttention('softmax', { dim: 10, numHeads: 4 })).toThrow(/dim 10 is not divisible by numHeads 4/);
    const d = getAttention('softmax');
    expect(registerAttention(d)).toBe(d); // the same descriptor again is a no-op
    expect(() => registerAttention({ ...d, cost: () => ({ flops: 1, activationBytes: 1 }) })).toThrow(/'softmax' is already registered/);
    expect(() => registerAttention({ ...d, name: 'Bad Name' })).toThrow(RegistryError);
    expect(() => registerAttention({ ...d, name: 'no-paper', paper: { ...d.paper, url: '' } })).toThrow(/paper\.title and paper\.url/);
  });
});

describe('matrix rank', () => {
  beforeAll(() => useBackend('cpu'));

  it('finds known singular values', () => {
    const s = singularValues({ rows: 2, cols: 2, data: [1, 2, 3, 4] });
    expect(s[0]).toBeCloseTo(5.4649857042, 9);
    expect(s[1]).toBeCloseTo(0.3659661906, 9);
  });

  it('counts the rank of products, identities, zeros and wide matrices', () => {
    // A small LCG: sin(θ + k·c) rows would all lie in span{sin θ, cos θ} and be rank 2.
    const rand = (r: number, c: number, seed: number) => {
      let s = seed;
      return Array.from({ length: r * c }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
    };
    const a = rand(9, 3, 1);
    const b = rand(3, 7, 2);
    const ab = Array.from({ length: 63 }, (_, k) => {
      const [i, j] = [Math.floor(k / 7), k % 7];
      let s = 0;
      for (let t = 0; t < 3; t++) s += a[i * 3 + t]! * b[t * 7 + j]!;
      return s;
    });
    expect(matrixRankOf({ rows: 9, cols: 7, data: ab })).toBe(3);
    const abT = Array.from({ length: 63 }, (_, k) => ab[(k % 9) * 7 + Math.floor(k / 9)]!);
    expect(matrixRankOf({ rows: 7, cols: 9, data: abT })).toBe(3);
    expect(matrixRankOf({ rows: 4, cols: 4, data: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] })).toBe(4);
    expect(matrixRankOf({ rows: 3, cols: 3, data: new Array(9).fill(0) })).toBe(0);
  });

  it('shows the FLatten paper\'s point: softmax attention is full rank, linear attention rank ≤ feature dim', async () => {
    const n = 24;
    const q = tf.randomNormal([1, 1, n, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([1, 1, n, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const [softRank] = await matrixRank(softmaxAttentionWeights(q, k));
    const [linRank] = await matrixRank(linearAttentionWeights(eluFeatureMap(q), eluFeatureMap(k)));
    expect(softRank).toBe(n);
    expect(linRank).toBeLessThanOrEqual(4);
    expect(linRank).toBeGreaterThan(1);
    expect(await matrixRank(tf.zeros([2, 3, 5, 5]))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
