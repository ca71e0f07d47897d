import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  getAttention,
  type AttentionCallOptions,
  type AttentionLayer,
} from '@attention-zoo/attention-core';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, expectClose, testBackends } from '@attention-zoo/test-utils';
import {
  factorizedDenseLogits,
  randomSynthesizerLogits,
  syntheticAttention,
  SynthesizerMix,
  type SynthesizerAttention,
  type SynthesizerComponent,
} from '../src/index.js';
import { aroundHeads, cols, linear, mat, mixLogits, weight, type Mat } from '@attention-zoo/test-utils/float64';

/** Float64 loops: softmax(Σ α_j S_j) V with each component's logits from the paper's equations. */
async function synthesizerReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions): Promise<tf.Tensor3D> {
  const s = layer as SynthesizerAttention;
  const [, n, d] = x.shape;
  const [dh, l] = [s.headDim, s.maxTokens!];
  const w = async (p: string) => (await weight(layer, p))!;
  const has = (c: SynthesizerComponent) => s.components.includes(c);
  const W = {
    d1: has('dense') ? await w('dense/w1/kernel') : null,
    db1: has('dense') ? await w('dense/w1/bias') : null,
    d2: has('dense') ? await w('dense/w2/kernel') : null,
    db2: has('dense') ? await w('dense/w2/bias') : null,
    r: has('random') ? await w('random/R') : null,
    r1: has('factorized-random') ? await w('random/R1') : null,
    r2: has('factorized-random') ? await w('random/R2') : null,
    f1: has('factorized-dense') ? await w('fdense/w1/kernel') : null,
    fb1: has('factorized-dense') ? await w('fdense/w1/bias') : null,
    fa: has('factorized-dense') ? await w('fdense/wa/kernel') : null,
    fba: has('factorized-dense') ? await w('fdense/wa/bias') : null,
    fb: has('factorized-dense') ? await w('fdense/wb/kernel') : null,
    fbb: has('factorized-dense') ? await w('fdense/wb/bias') : null,
  };
  const theta = s.components.length > 1 ? await w('alpha') : Float64Array.of(0);
  const z = theta.reduce((a, t) => a + Math.exp(t), 0);
  const alpha = [...theta].map((t) => Math.exp(t) / z);
  const mask = options.keyPaddingMask ? await options.keyPaddingMask.data() : null;
  const relu = (m: Mat): Mat => mat(m.rows, m.cols, m.a.map((v) => Math.max(0, v)));
  const [a, b] = s.factors;
  const k = s.k;
  return aroundHeads(layer, x, (head, q, kk, v, bi, xb) => {
    const logits = mat(n, n);
    s.components.forEach((c, ci) => {
      const add = (i: number, j: number, val: number) => (logits.a[i * n + j] += alpha[ci]! * val);
      if (c === 'dense') {
        const hid = cols(relu(linear(xb, W.d1!, d, W.db1!)), head * dh, dh);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let t = W.db2![head * l + j]!;
          for (let e = 0; e < dh; e++) t += hid.a[i * dh + e]! * W.d2![(head * dh + e) * l + j]!;
          add(i, j, t);
        }
      }
      if (c === 'random') for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) add(i, j, W.r![(head * l + i) * l + j]!);
      if (c === 'factorized-random') for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let t = 0;
        for (let r = 0; r < k; r++) t += W.r1![(head * l + i) * k + r]! * W.r2![(head * l + j) * k + r]!;
        add(i, j, t);
      }
      if (c === 'factorized-dense') {
        const hid = cols(relu(linear(xb, W.f1!, d, W.fb1!)), head * dh, dh);
        for (let i = 0; i < n; i++) {
          const fa = [...Array(a).keys()].map((p) => W.fba![head * a + p]! + [...Array(dh).keys()].reduce((acc, e) => acc + hid.a[i * dh + e]! * W.fa![(head * dh + e) * a + p]!, 0));
          const fb = [...Array(b).keys()].map((r) => W.fbb![head * b + r]! + [...Array(dh).keys()].reduce((acc, e) => acc + hid.a[i * dh + e]! * W.fb![(head * dh + e) * b + r]!, 0));
          for (let j = 0; j < n; j++) add(i, j, fa[Math.floor(j / b)]! * fb[j % b]!); // H_A repeats A, H_B tiles B
        }
      }
      if (c === 'dot') for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let t = 0;
        for (let e = 0; e < dh; e++) t += q!.a[i * dh + e]! * kk!.a[j * dh + e]!;
        add(i, j, t / Math.sqrt(dh));
      }
    });
    return mixLogits(logits, v, (i, j) => !(s.causal && j > i) && !(mask && mask[bi * n + j] === 0));
  });
}

const CASES: [string, Record<string, unknown>][] = [
  ['synthesizer-dense', {}],
  ['synthesizer-random', {}],
  ['synthesizer-random', { fixed: true }],
  ['synthesizer-factorized-dense', {}],
  ['synthesizer-factorized-random', { k: 3 }],
  ['synthesizer-mix', {}],
  ['synthesizer-mix', { components: ['dense', 'dot'] }],
  ['synthesizer-mix', { components: ['factorized-random', 'random', 'factorized-dense'] }],
];

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  for (const [name, extra] of CASES) {
    backendSuite(`${name} ${JSON.stringify(extra)} conformance`, backend, () => {
      for (const check of conformanceChecks({
        name,
        config: { dim: 16, numHeads: 2, maxTokens: 20, ...extra },
        tokens: 12,
        denseReference: synthesizerReference,
      })) {
        it(check.name, check.run);
      }
    });
  }

  backendSuite('synthesizer', backend, () => {
    it('fixed Random keeps R out of the trainable weights', () => {
      const layer = createAttention('synthesizer-random', { dim: 8, numHeads: 2, maxTokens: 6, fixed: true });
      (layer.apply(tf.zeros([1, 6, 8])) as tf.Tensor).dispose();
      expect(layer.trainableWeights.map((w) => w.originalName).some((n) => n.endsWith('random/R'))).toBe(false);
      expect(layer.nonTrainableWeights.map((w) => w.originalName).some((n) => n.endsWith('random/R'))).toBe(true);
      layer.dispose();
    });

    it('Random attention does not depend on the tokens, only on their values', async () => {
      const r = tf.randomNormal([2, 6, 6], 0, 1, 'float32', 1) as tf.Tensor3D;
      const v = tf.randomNormal([3, 2, 6, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const y = syntheticAttention(randomSynthesizerLogits(r, 6), v);
      const a = tf.softmax(r); // [2, 6, 6]
      await expectClose(y, tf.matMul(tf.tile(tf.expandDims(a, 0), [3, 1, 1, 1]), v), { atol: 1e-5 });
    });

    it('factorized Dense: entry p·b + r of a row is A_p·B_r', async () => {
      const x = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 3) as tf.Tensor3D;
      const w1 = tf.eye(4) as tf.Tensor2D; // hidden = relu(x)
      const wa = tf.randomNormal([1, 4, 2], 0, 1, 'float32', 4) as tf.Tensor3D;
      const wb = tf.randomNormal([1, 4, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
      const logits = factorizedDenseLogits(x, { w1, wa, wb }, 6);
      const hid = tf.relu(x);
      const A = await tf.matMul(hid, tf.squeeze(wa, [0]) as tf.Tensor2D).array() as number[][][];
      const B = await tf.matMul(hid, tf.squeeze(wb, [0]) as tf.Tensor2D).array() as number[][][];
      const got = (await logits.array()) as number[][][][];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 6; j++) expect(got[0]![0]![i]![j]).toBeCloseTo(A[0]![i]![Math.floor(j / 3)]! * B[0]![i]![j % 3]!, 5);
    });

    it('a mixture learns its weights: α = softmax(θ) gets a gradient', async () => {
      const layer = new SynthesizerMix({ dim: 8, numHeads: 2, maxTokens: 6, seed: 1 });
      const x = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 6) as tf.Tensor3D;
      layer.apply(x);
      const theta = layer.weight('alpha').read() as tf.Variable;
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, [theta]);
      expect((await tf.sum(tf.abs(grads[theta.name]!)).data())[0]).toBeGreaterThan(0);
      layer.dispose();
    });

    it('rejects bad configs and inputs with clear errors', () => {
      const base = { dim: 8, numHeads: 2, maxTokens: 12 };
      expect(() => createAttention('synthesizer-dense', { dim: 8, numHeads: 2 })).toThrow(/pass maxTokens/);
      expect(() => createAttention('synthesizer-factorized-random', { ...base, k: 0 })).toThrow(AttentionConfigError);
      expect(() => createAttention('synthesizer-factorized-dense', { ...base, factors: [5, 2] })).toThrow(/a·b = maxTokens 12/);
      expect(() => createAttention('synthesizer-mix', { ...base, components: ['random'] })).toThrow(/at least two components/);
      expect(() => createAttention('synthesizer-mix', { ...base, components: ['random', 'random'] })).toThrow(/listed twice/);
      expect(() => createAttention('synthesizer-mix', { ...base, components: ['random', 'sparse'] })).toThrow(/option `components\[1\]` = "sparse" is invalid: .*expected one of "dense"/);
      expect(() => createAttention('synthesizer-random', { ...base, fixed: 'yes' })).toThrow(/option `fixed` = "yes" is invalid: Invalid input: expected boolean, received string/);
      expect(() => randomSynthesizerLogits(tf.zeros([4, 4]) as tf.Tensor2D, 5)).toThrow(AttentionInputError);
      expect(() => syntheticAttention(tf.zeros([1, 2, 4, 4]) as tf.Tensor4D, tf.zeros([1, 2, 5, 3]) as tf.Tensor4D)).toThrow(/do not fit v/);
      const layer = createAttention('synthesizer-dense', base);
      expect(() => layer.apply(tf.zeros([1, 13, 8]))).toThrow(/13 tokens, more than maxTokens 12/);
    });
  });
}

describe('synthesizer registry', () => {
  it('registers the five variants with O(N²) cost', () => {
    for (const name of ['synthesizer-dense', 'synthesizer-random', 'synthesizer-factorized-dense', 'synthesizer-factorized-random', 'synthesizer-mix']) {
      const c = getAttention(name).cost;
      const r = c({ tokens: 2048, dim: 64, numHeads: 4 }).activationBytes / c({ tokens: 1024, dim: 64, numHeads: 4 }).activationBytes;
      expect(r).toBeGreaterThan(3);
    }
  });
});
