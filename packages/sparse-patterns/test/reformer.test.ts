import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { splitHeads } from '@attention-zoo/attention-core/ops';
import { LshAttention, lshAttention, lshRotations } from '@attention-zoo/sparse-patterns';
import { expectClose, useBackend } from '@attention-zoo/test-utils';
import { lshDenseReference } from './lsh-reference.js';

const x = (n: number, seed = 1, dim = 16) => tf.randomNormal([2, n, dim], 0, 1, 'float32', seed) as tf.Tensor3D;

describe('reformer-lsh (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const configs: [Record<string, unknown>, number][] = [
    [{ chunkLength: 4, numBuckets: 4, numHashes: 1 }, 16],
    [{ chunkLength: 4, numBuckets: 4, numHashes: 3 }, 16],
    [{ chunkLength: 8, numBuckets: 2, numHashes: 1 }, 8], // one chunk: it looks back at itself
    [{ chunkLength: 3, numBuckets: 6, numHashes: 2 }, 18],
    [{ chunkLength: 4, numBuckets: 4, numHashes: 2, causal: true }, 20],
    [{ chunkLength: 2, numBuckets: 8, numHashes: 3, causal: true }, 16],
  ];
  for (const [extra, n] of configs) {
    it(`${JSON.stringify(extra)}, N = ${n}: output = float64 dense reference, with and without padding`, async () => {
      const layer = new LshAttention({ dim: 16, numHeads: 2, seed: 3, ...extra });
      const input = x(n);
      await expectClose(layer.apply(input) as tf.Tensor, await lshDenseReference(layer, input), { atol: 1e-4, rtol: 1e-3, what: 'plain' });
      const keyPaddingMask = tf.tensor2d([Array(n).fill(1), Array.from({ length: n }, (_, j) => (j < n - 5 ? 1 : 0))]);
      await expectClose(layer.apply(input, { keyPaddingMask }) as tf.Tensor, await lshDenseReference(layer, input, { keyPaddingMask }), {
        atol: 1e-4,
        rtol: 1e-3,
        what: 'masked',
      });
      layer.dispose();
    });
  }

  it('buckets are argmax([xR; −xR]) of the rotations, recomputed in float64; padding gets bucket numBuckets', async () => {
    const layer = new LshAttention({ dim: 16, numHeads: 2, chunkLength: 4, numBuckets: 6, numHashes: 3, hashSeed: 5 });
    const input = x(12);
    const got = (await layer.bucketAssignment(input, tf.tensor2d([Array(12).fill(1), [...Array(10).fill(1), 0, 0]])).array()) as number[][][][];
    const q = (await splitHeads(tf.reshape(tf.matMul(tf.reshape(input, [24, 16]), layer.weight('q/kernel').read()), [2, 12, 16]) as tf.Tensor3D, 2).array()) as number[][][][];
    const R = lshRotations({ numHeads: 2, headDim: 8, numHashes: 3, numBuckets: 6, seed: 5 });
    let distinct = 0;
    for (let b = 0; b < 2; b++) {
      for (let h = 0; h < 2; h++) {
        for (let r = 0; r < 3; r++) {
          for (let i = 0; i < 12; i++) {
            const proj = [0, 1, 2].map((u) => q[b]![h]![i]!.reduce((s, e, k) => s + e * R[((h * 8 + k) * 3 + r) * 3 + u]!, 0));
            const scores = [...proj, ...proj.map((p) => -p)];
            const want = scores.indexOf(Math.max(...scores));
            const bucket = got[b]![h]![r]![i]!;
            if (b === 1 && i >= 10) {
              expect(bucket).toBe(6);
              continue;
            }
            // float32 vs float64: the chosen bucket must be the max up to rounding
            expect(scores[want]! - scores[bucket]!).toBeLessThan(1e-4);
            distinct |= 1 << bucket;
          }
        }
      }
    }
    expect(distinct).toBe(0b111111); // every bucket is used somewhere
    layer.dispose();
  });

  it('rotations are reproducible from hashSeed and kept through getConfig', () => {
    const o = { numHeads: 2, headDim: 8, numHashes: 2, numBuckets: 4, seed: 9 };
    expect(lshRotations(o)).toEqual(lshRotations(o));
    expect(lshRotations({ ...o, seed: 10 })).not.toEqual(lshRotations(o));
    const layer = new LshAttention({ dim: 16, numHeads: 2 });
    const again = LshAttention.fromConfig(LshAttention, JSON.parse(JSON.stringify(layer.getConfig()))) as LshAttention;
    expect(again.hashSeed).toBe(layer.hashSeed);
  });

  it('causal: strictly causal even though later tokens move the chunk boundaries', async () => {
    // Many rounds and small chunks, so later tokens certainly change the sorted order.
    const layer = new LshAttention({ dim: 16, numHeads: 2, chunkLength: 2, numBuckets: 4, numHashes: 4, causal: true, seed: 1 });
    const input = x(24);
    const later = tf.concat([tf.slice(input, [0, 0, 0], [2, 12, 16]), tf.mul(tf.slice(x(24, 9), [0, 12, 0], [2, 12, 16]), 3)], 1) as tf.Tensor3D;
    const early = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [2, 12, 16]);
    const [b1, b2] = [await layer.bucketAssignment(input).array(), await layer.bucketAssignment(later).array()];
    expect(b1).not.toEqual(b2);
    await expectClose(early(layer.apply(later) as tf.Tensor), early(layer.apply(input) as tf.Tensor), { atol: 1e-6, what: 'early outputs' });
    // The same sequences under the non-causal chunking do leak (which is why the causal form is different).
    const open = new LshAttention({ dim: 16, numHeads: 2, chunkLength: 2, numBuckets: 4, numHashes: 4, seed: 1 });
    open.apply(input);
    open.setWeights(layer.getWeights());
    const leak = tf.max(tf.abs(tf.sub(early(open.apply(later) as tf.Tensor), early(open.apply(input) as tf.Tensor))));
    expect((await leak.data())[0]).toBeGreaterThan(1e-3);
  });

  it('never forms an N×N tensor (largest kernel output ≪ N² per batch·head), N = 512', async () => {
    const n = 512;
    const [q, v] = [1, 2].map((s) => tf.randomNormal([1, 2, n, 8], 0, 1, 'float32', s) as tf.Tensor4D);
    const rotations = tf.tensor4d(lshRotations({ numHeads: 2, headDim: 8, numHashes: 2, numBuckets: 16, seed: 1 }), [2, 8, 2, 8]);
    for (const causal of [false, true]) {
      const info = await tf.profile(() => lshAttention(q!, v!, { chunkLength: 16, numBuckets: 16, numHashes: 2, rotations, causal }));
      const biggest = Math.max(...info.kernels.flatMap((k) => (k.outputShapes as number[][]).map((s) => s.reduce((a, b) => a * b, 1))));
      expect(biggest / 2, `largest intermediate has ${biggest} elements for 2 heads`).toBeLessThan((n * n) / 4);
    }
  });

  it('bad input raises errors that name the problem', () => {
    expect(() => new LshAttention({ dim: 16, numHeads: 2, numBuckets: 5 })).toThrow(AttentionConfigError);
    expect(() => new LshAttention({ dim: 16, numHeads: 2, numBuckets: 5 })).toThrow(/option `numBuckets` = 5 is invalid: expected an even number of buckets/);
    expect(() => new LshAttention({ dim: 16, numHeads: 2, chunkLength: 0 })).toThrow(/option `chunkLength` = 0 is invalid: Too small/);
    expect(() => new LshAttention({ dim: 16, numHeads: 2, numHashes: 1.5 })).toThrow(/option `numHashes` = 1.5 is invalid/);
    const layer = new LshAttention({ dim: 16, numHeads: 2, chunkLength: 4 });
    expect(() => layer.apply(x(10))).toThrow(AttentionInputError);
    expect(() => layer.apply(x(10))).toThrow(/10 tokens are not a multiple of chunkLength 4; pad the sequence to 12/);
    const [q, v] = [tf.zeros([1, 2, 8, 4]), tf.zeros([1, 2, 8, 4])] as tf.Tensor4D[];
    expect(() => lshAttention(q!, v!, { chunkLength: 4, numBuckets: 4, numHashes: 1, rotations: tf.zeros([2, 4, 1, 3]) as tf.Tensor4D })).toThrow(
      /rotations must have shape \[heads, headDim, numHashes, numBuckets\/2\] = \[2, 4, 1, 2\]/,
    );
  });
});
