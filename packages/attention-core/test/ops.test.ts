import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AttentionInputError } from '@attention-zoo/attention-core';
import {
  eluFeatureMap,
  linearAttention,
  linearAttentionWeights,
  maskedSoftmax,
  maskedSoftmaxParts,
  mergeHeads,
  scaledDotProductAttention,
  shiftedExp,
  softmaxAttentionWeights,
  splitHeads,
} from '@attention-zoo/attention-core/ops';
import { backendSuite, expectClose, testBackends } from '@attention-zoo/test-utils';

/** out_i = Σ_j (φq_i·φk_j) v_j / (Σ_j φq_i·φk_j + eps), j ≤ i when causal, padded keys skipped: float64 loops. */
async function linearReference(
  pq: tf.Tensor4D,
  pk: tf.Tensor4D,
  v: tf.Tensor4D,
  { causal = false, eps = 1e-6, keep }: { causal?: boolean; eps?: number; keep?: number[][] } = {},
): Promise<Float32Array> {
  const [B, H, N, m] = pq.shape;
  const M = pk.shape[2];
  const dv = v.shape[3];
  const [q, k, vv] = [await pq.data(), await pk.data(), await v.data()];
  const out = new Float32Array(B * H * N * dv);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < N; i++) {
        const num = new Float64Array(dv);
        let den = 0;
        for (let j = 0; j < M; j++) {
          if (causal && j > i) continue;
          if (keep && keep[b]![j] === 0) continue;
          let s = 0;
          for (let e = 0; e < m; e++) s += q[((b * H + h) * N + i) * m + e]! * k[((b * H + h) * M + j) * m + e]!;
          den += s;
          for (let e = 0; e < dv; e++) num[e] += s * vv[((b * H + h) * M + j) * dv + e]!;
        }
        for (let e = 0; e < dv; e++) out[((b * H + h) * N + i) * dv + e] = num[e]! / (den + eps);
      }
  return out;
}

const features = (shape: [number, number, number, number], seed: number) => eluFeatureMap(tf.randomNormal(shape, 0, 1, 'float32', seed)) as tf.Tensor4D;

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('functional ops', backend, () => {
    it('splitHeads and mergeHeads are inverse and match PyTorch view+transpose', async () => {
      const x = tf.reshape(tf.range(0, 2 * 3 * 8), [2, 3, 8]) as tf.Tensor3D;
      const h = splitHeads(x, 4);
      expect(h.shape).toEqual([2, 4, 3, 2]);
      // head 1, token 2 of batch 0 holds channels 2..3 of token 2.
      expect(Array.from(await tf.slice(h, [0, 1, 2, 0], [1, 1, 1, 2]).data())).toEqual([18, 19]);
      await expectClose(mergeHeads(h), x, { atol: 0, rtol: 0 });
      expect(() => splitHeads(x, 3)).toThrow(/not divisible by 3 heads/);
    });

    it('maskedSoftmax: equals softmax when nothing is masked, zeros for a fully masked row, finite gradients', async () => {
      const logits = tf.randomNormal([2, 5], 0, 3, 'float32', 1);
      await expectClose(maskedSoftmax(logits, tf.ones([2, 5], 'bool')), tf.softmax(logits), { atol: 1e-6 });
      const keep = tf.tensor2d([[1, 1, 0, 0, 1], [0, 0, 0, 0, 0]], [2, 5], 'bool');
      const p = await maskedSoftmax(logits, keep).data();
      expect(Array.from(p.slice(5))).toEqual([0, 0, 0, 0, 0]);
      expect(p[2]).toBe(0);
      expect(p[0]! + p[1]! + p[4]!).toBeCloseTo(1, 6);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(x, keep), tf.reshape(tf.range(0, 10), [2, 5]))))(logits);
      for (const x of await g.data()) expect(Number.isFinite(x)).toBe(true);
    });

    it('maskedSoftmaxParts: one softmax over the parts, broadcast keeps, float masks, masked huge logits ignored', async () => {
      const l1 = tf.randomNormal([2, 3, 4], 0, 2, 'float32', 3);
      const l2 = tf.randomNormal([2, 3, 2], 0, 2, 'float32', 4);
      const k1 = tf.tensor3d([[[1, 0, 1, 1]], [[0, 0, 0, 0]]], [2, 1, 4], 'bool'); // broadcast over rows
      const k2 = tf.tensor1d([1, 0], 'float32'); // broadcast over batch and rows, float 0/1
      const [w1, w2] = maskedSoftmaxParts([l1, l2], [k1, k2]);
      const whole = maskedSoftmax(tf.concat([l1, l2], -1), tf.concat([tf.broadcastTo(k1, [2, 3, 4]), tf.cast(tf.broadcastTo(k2, [2, 3, 2]), 'bool')], -1));
      await expectClose(tf.concat([w1!, w2!], -1), whole, { atol: 1e-6 });
      // a masked logit far above the kept ones changes nothing and stays finite
      const spiked = tf.add(l1, tf.mul(tf.sub(1, tf.cast(k1, 'float32')), 1e30));
      await expectClose(maskedSoftmaxParts([spiked, l2], [k1, k2])[0]!, w1!, { atol: 1e-6 });
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maskedSoftmaxParts([x, l2], [k1, k2])[0]!, tf.reshape(tf.range(0, 24), [2, 3, 4]))))(spiked);
      const gv = await g.data();
      for (const x of gv) expect(Number.isFinite(x)).toBe(true);
      expect(gv[1]).toBe(0); // masked entry: no gradient
    });

    it('maskedSoftmax and attention stay finite for logits of 1e4', async () => {
      const big = tf.mul(tf.randomNormal([1, 1, 6, 4], 0, 1, 'float32', 2), 1e4) as tf.Tensor4D;
      const w = softmaxAttentionWeights(big, big, { scale: 1, causal: true });
      for (const x of await w.data()) expect(Number.isFinite(x)).toBe(true);
    });

    it('shiftedExp does not overflow and its shift cancels in ratios', async () => {
      const x = tf.tensor2d([[1000, 1001, 999]]);
      const { exp } = shiftedExp(x, 1);
      const e = await exp.data();
      expect(Array.from(e).every(Number.isFinite)).toBe(true);
      const ratio = (t: tf.Tensor) => {
        const s = shiftedExp(t, 1).exp;
        return tf.div(s, tf.sum(s, 1, true));
      };
      await expectClose(ratio(x), tf.softmax(x), { atol: 1e-6 });
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ratio(t), tf.tensor2d([[1, 2, 3]]))))(x);
      const gs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), tf.tensor2d([[1, 2, 3]]))))(x);
      await expectClose(g, gs, { atol: 1e-5 });
    });

    it('scaledDotProductAttention supports cross-attention and names mismatched shapes', async () => {
      const q = tf.randomNormal([1, 2, 5, 4]) as tf.Tensor4D;
      const k = tf.randomNormal([1, 2, 7, 4]) as tf.Tensor4D;
      const v = tf.randomNormal([1, 2, 7, 3]) as tf.Tensor4D;
      expect(scaledDotProductAttention(q, k, v).shape).toEqual([1, 2, 5, 3]);
      expect(() => scaledDotProductAttention(q, tf.randomNormal([1, 2, 7, 5]) as tf.Tensor4D, v)).toThrow(/same headDim.*\[1, 2, 5, 4\].*\[1, 2, 7, 5\]/);
      expect(() => scaledDotProductAttention(q, k, tf.randomNormal([1, 2, 6, 3]) as tf.Tensor4D)).toThrow(AttentionInputError);
      expect(() => scaledDotProductAttention(tf.randomNormal([2, 5, 4]) as unknown as tf.Tensor4D, k, v)).toThrow(/rank 4/);
      expect(() => scaledDotProductAttention(q, k, v, { keyPaddingMask: tf.ones([1, 5]) as tf.Tensor2D })).toThrow(/keyPaddingMask must be \[batch, keyTokens\] = \[1, 7\]/);
    });

    it('linearAttention (non-causal) equals the float64 loop reference and its own weights · V', async () => {
      const pq = features([2, 3, 11, 6], 3);
      const pk = features([2, 3, 13, 6], 4);
      const v = tf.randomNormal([2, 3, 13, 5], 0, 1, 'float32', 5) as tf.Tensor4D;
      const out = linearAttention(pq, pk, v);
      await expectClose(out, await linearReference(pq, pk, v), { atol: 1e-5, rtol: 1e-4 });
      await expectClose(out, tf.matMul(linearAttentionWeights(pq, pk), v), { atol: 1e-5, rtol: 1e-4 });
    });

    for (const chunkSize of [1, 5, 8, 64]) {
      it(`linearAttention (causal, chunk ${chunkSize}) equals the loop reference for N = 37`, async () => {
        const pq = features([1, 2, 37, 4], 6);
        const pk = features([1, 2, 37, 4], 7);
        const v = tf.randomNormal([1, 2, 37, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
        const out = linearAttention(pq, pk, v, { causal: true, chunkSize });
        await expectClose(out, await linearReference(pq, pk, v, { causal: true }), { atol: 1e-5, rtol: 1e-4 });
      });
    }

    it('linearAttention ignores padded keys (causal and not)', async () => {
      const pq = features([2, 1, 9, 4], 9);
      const pk = features([2, 1, 9, 4], 10);
      const v = tf.randomNormal([2, 1, 9, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
      const keep = [[1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0, 0]];
      const mask = tf.tensor2d(keep) as tf.Tensor2D;
      for (const causal of [false, true]) {
        const out = linearAttention(pq, pk, v, { causal, keyPaddingMask: mask, chunkSize: 4 });
        await expectClose(out, await linearReference(pq, pk, v, { causal, keep }), { atol: 1e-5, rtol: 1e-4 });
      }
    });

    it('linearAttention rejects causal cross-attention and bad chunk sizes', () => {
      const pq = features([1, 1, 4, 2], 12);
      const pk = features([1, 1, 6, 2], 13);
      const v = tf.randomNormal([1, 1, 6, 2]) as tf.Tensor4D;
      expect(() => linearAttention(pq, pk, v, { causal: true })).toThrow(/causal mode needs as many queries as keys/);
      expect(() => linearAttention(pq, pq, tf.randomNormal([1, 1, 4, 2]) as tf.Tensor4D, { causal: true, chunkSize: 0 })).toThrow(/chunkSize/);
    });
  });
}

backendSuite('memory of the linear-attention primitive', { name: 'cpu', available: true, reason: '' }, () => {
  it('the causal scan grows linearly in N and never holds an N×N tensor', async () => {
    // tf.profile's peakBytes counts every live tensor; measure above what is live now.
    const peakAbove = async (f: () => tf.Tensor) => {
      const live = tf.memory().numBytes;
      const info = await tf.profile(() => tf.dispose(f()) as unknown as tf.Tensor);
      return info.peakBytes - live;
    };
    const [m, dv] = [16, 16];
    const peaks: Record<number, { scan: number; dense: number }> = {};
    for (const n of [512, 2048]) {
      const pq = features([1, 1, n, m], 14);
      const pk = features([1, 1, n, m], 15);
      const v = tf.randomNormal([1, 1, n, dv]) as tf.Tensor4D;
      peaks[n] = {
        scan: await peakAbove(() => linearAttention(pq, pk, v, { causal: true, chunkSize: 64 })),
        dense: await peakAbove(() => tf.matMul(linearAttentionWeights(pq, pk, { causal: true }), v)),
      };
      tf.dispose([pq, pk, v]);
    }
    // 4× the tokens: linear memory grows ~4×, quadratic ~16×.
    expect(peaks[2048]!.scan / peaks[512]!.scan).toBeLessThan(5);
    expect(peaks[2048]!.dense / peaks[512]!.dense).toBeGreaterThan(12);
    expect(peaks[2048]!.scan).toBeLessThan((2048 * 2048 * 4) / 4);
  });
});
