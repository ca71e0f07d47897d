import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, createAttention } from '@attention-zoo/attention-core';
import { expectClose, maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import {
  cosformerAttention,
  efficientAttention,
  hydraAttention,
  hydraAttentionWeights,
  orthogonalRandomFeatures,
  performerAttention,
} from '../src/index.js';

const rand = (shape: number[], seed: number, scale = 1) => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale) as tf.Tensor4D;
const tril = (n: number, m = n) => tf.linalg.bandPart(tf.ones([n, m]), -1, 0);

describe('functional ops (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('cosFormer: the sin/cos features give ReLU(q)ᵀReLU(k)·cos(π/2·(i−j)/M), M = max(N, M), with N ≠ M (the official self-test)', async () => {
    const [q, k, v] = [rand([2, 2, 10, 4], 1), rand([2, 2, 20, 4], 2), rand([2, 2, 20, 4], 3)];
    const i = tf.reshape(tf.range(1, 11), [10, 1]);
    const j = tf.reshape(tf.range(1, 21), [1, 20]);
    const cos = tf.cos(tf.mul(tf.sub(i, j), Math.PI / 2 / 20)); // [10, 20]
    const s = tf.mul(tf.matMul(tf.relu(q), tf.relu(k), false, true), cos);
    const want = tf.matMul(tf.div(s, tf.add(tf.sum(s, -1, true), 1e-6)), v);
    await expectClose(cosformerAttention(q, k, v), want, { atol: 1e-5, rtol: 1e-4 });
    expect(() => cosformerAttention(q, k, v, { length: 15 })).toThrow(/length M must be an integer ≥ max/);
  });

  it('cosFormer causal: the prefix-sum form equals the masked left product', async () => {
    const [q, k, v] = [rand([1, 2, 70, 4], 4), rand([1, 2, 70, 4], 5), rand([1, 2, 70, 4], 6)];
    const idx = tf.range(1, 71);
    const cos = tf.cos(tf.mul(tf.sub(tf.reshape(idx, [70, 1]), tf.reshape(idx, [1, 70])), Math.PI / 2 / 80));
    const s = tf.mul(tf.mul(tf.matMul(tf.relu(q), tf.relu(k), false, true), cos), tril(70));
    const want = tf.matMul(tf.div(s, tf.add(tf.sum(s, -1, true), 1e-6)), v);
    await expectClose(cosformerAttention(q, k, v, { causal: true, length: 80, chunkSize: 16 }), want, { atol: 1e-5, rtol: 1e-4 });
  });

  it('cosFormer layer: M is max(queries, keys) without maxTokens, maxTokens with it; more tokens than maxTokens is an error', async () => {
    const x = tf.randomNormal([1, 6, 8], 0, 1, 'float32', 3) as tf.Tensor3D;
    const free = createAttention('cosformer', { dim: 8, numHeads: 2, seed: 1 });
    const fixed = createAttention('cosformer', { dim: 8, numHeads: 2, seed: 1, maxTokens: 6 });
    const longer = createAttention('cosformer', { dim: 8, numHeads: 2, seed: 1, maxTokens: 12 });
    const y = free.apply(x) as tf.Tensor;
    expect(await maxAbsDiff(fixed.apply(x) as tf.Tensor, y)).toBeLessThan(1e-6);
    expect(await maxAbsDiff(longer.apply(x) as tf.Tensor, y)).toBeGreaterThan(1e-4);
    expect(() => fixed.apply(tf.zeros([1, 7, 8]))).toThrow(/7 tokens, more than maxTokens 6/);
    expect(() => createAttention('cosformer', { dim: 8, numHeads: 2, actFun: 'gelu' })).toThrow(/option `actFun` = "gelu" is invalid: .*expected one of "relu"\|"elu"/);
  });

  it('Efficient Attention equals the official per-head softmaxes, and is invariant to a constant shift of the keys', async () => {
    const [q, k, v] = [rand([2, 2, 9, 4], 7), rand([2, 2, 9, 4], 8), rand([2, 2, 9, 4], 9)];
    // Official: context = softmax(k over positions)ᵀ v; out = softmax(q over features) · context.
    const want = tf.matMul(tf.softmax(q, -1), tf.matMul(tf.transpose(tf.softmax(tf.transpose(k, [0, 1, 3, 2]), -1), [0, 1, 3, 2]), v, true, false));
    const got = efficientAttention(q, k, v);
    await expectClose(got, want, { atol: 1e-5, rtol: 1e-4 });
    await expectClose(efficientAttention(q, tf.add(k, 100) as tf.Tensor4D, v), got, { atol: 1e-5, rtol: 1e-4 });
    const causal = efficientAttention(q, k, v, { causal: true, chunkSize: 4 });
    await expectClose(efficientAttention(q, tf.add(k, 100) as tf.Tensor4D, v, { causal: true, chunkSize: 4 }), causal, { atol: 1e-5, rtol: 1e-4 });
    // Causal row 0 sees key 0 only: out_0 = v_0.
    await expectClose(tf.slice(causal, [0, 0, 0, 0], [2, 2, 1, 4]), tf.slice(v, [0, 0, 0, 0], [2, 2, 1, 4]), { atol: 1e-5, rtol: 1e-4 });
  });

  it('Hydra: φ(Q) ⊙ Σ_t φ(K)_t ⊙ V_t with φ = x/‖x‖; causal by a cumulative sum; the per-channel maps reproduce it', async () => {
    const [q, k, v] = [0, 1, 2].map((s) => tf.randomNormal([2, 7, 6], 0, 1, 'float32', 30 + s) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const unit = (x: tf.Tensor) => tf.div(x, tf.norm(x, 2, -1, true));
    await expectClose(hydraAttention(q, k, v), tf.mul(unit(q), tf.sum(tf.mul(unit(k), v), 1, true)), { atol: 1e-5, rtol: 1e-4 });
    await expectClose(hydraAttention(q, k, v, { causal: true }), tf.mul(unit(q), tf.cumsum(tf.mul(unit(k), v), 1)), { atol: 1e-5, rtol: 1e-4 });
    const a = hydraAttentionWeights(q, k, { causal: true }); // [B, D, N, M]
    const viaMap = tf.transpose(tf.squeeze(tf.matMul(a, tf.expandDims(tf.transpose(v, [0, 2, 1]), 3)), [3]), [0, 2, 1]);
    await expectClose(viaMap, hydraAttention(q, k, v, { causal: true }), { atol: 1e-5, rtol: 1e-4 });
    expect(() => hydraAttention(q, k, v, { keyPaddingMask: tf.ones([2, 8]) as tf.Tensor2D })).toThrow(AttentionInputError);
    expect(() => hydraAttention(q, tf.zeros([2, 5, 6]) as tf.Tensor3D, tf.zeros([2, 5, 6]) as tf.Tensor3D, { causal: true })).toThrow(/as many queries as keys/);
    // A zero query or key vector gives 0, not NaN.
    expect((await hydraAttention(tf.zeros([1, 3, 6]), tf.slice(k, [0, 0, 0], [1, 3, 6]), tf.slice(v, [0, 0, 0], [1, 3, 6])).data()).every((x) => x === 0)).toBe(true);
  });
});

describe('causal forms keep linear memory (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const causalOps: [string, (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor][] = [
    ['performer', (q, k, v) => performerAttention(q, k, v, { projection: orthogonalRandomFeatures(16, 8, { seed: 1 }), causal: true })],
    ['efficient-attention', (q, k, v) => efficientAttention(q, k, v, { causal: true })],
    ['cosformer', (q, k, v) => cosformerAttention(q, k, v, { causal: true })],
    ['hydra', (q, k, v) => hydraAttention(tf.squeeze(q, [1]) as tf.Tensor3D, tf.squeeze(k, [1]) as tf.Tensor3D, tf.squeeze(v, [1]) as tf.Tensor3D, { causal: true })],
  ];
  /** Bytes allocated at the peak of one call beyond what was live before (tf.profile counts both). */
  const peak = async (op: (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor, n: number) => {
    const [q, k, v] = [rand([1, 1, n, 8], 1), rand([1, 1, n, 8], 2), rand([1, 1, n, 8], 3)];
    const before = tf.memory().numBytes;
    const info = await tf.profile(() => op(q, k, v));
    tf.dispose([q, k, v]);
    return info.peakBytes - before;
  };
  for (const [name, op] of causalOps) {
    it(`${name}: peak memory grows linearly in N and stays far below one N×N matrix`, async () => {
      const [small, large] = [await peak(op, 1024), await peak(op, 2048)];
      expect(large / small).toBeLessThan(2.5); // N×N growth would give ≈ 4
      expect(large).toBeLessThan((2048 * 2048 * 4) / 4);
    });
  }
});
