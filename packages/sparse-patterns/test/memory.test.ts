import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { bigBirdAttention, bigBirdRandomBlocks, longformerAttention, lshAttention, lshRotations, sinkhornAttention, slidingWindowAttention } from '@attention-zoo/sparse-patterns';
import { useBackend } from '@attention-zoo/test-utils';

/** Peak bytes a forward pass adds over what was live before it (tf.profile's peakBytes minus live bytes). */
async function peakBytes(run: () => tf.Tensor): Promise<number> {
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    run().dispose();
  });
  return info.peakBytes - before;
}

const heads = 4;
const headDim = 16;
const inputs = (n: number) => [1, 2, 3].map((s) => tf.randomNormal([1, heads, n, headDim], 0, 1, 'float32', s) as tf.Tensor4D);

describe('peak memory grows linearly in N (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const cases: [string, (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, n: number) => tf.Tensor][] = [
    ['local', (q, k, v) => slidingWindowAttention(q, k, v, { radius: 8 })],
    ['local causal dilated', (q, k, v) => slidingWindowAttention(q, k, v, { radius: 8, dilation: 2, causal: true })],
    ['longformer', (q, k, v) => longformerAttention(q, k, v, { radius: 8, globalIndices: [0, 1, 2, 3] })],
    [
      'bigbird',
      (q, k, v, n) =>
        bigBirdAttention(q, k, v, {
          blockSize: 8,
          randomBlocks: bigBirdRandomBlocks({ numBlocks: n / 8, numHeads: heads, numRandomBlocks: 3, windowBlocks: 3, globalBlocks: [0, n / 8 - 1], seed: 1 }),
        }),
    ],
    [
      'reformer-lsh (2 rounds, causal)',
      (q, _k, v) => {
        const rotations = tf.tensor4d(lshRotations({ numHeads: heads, headDim, numHashes: 2, numBuckets: 16, seed: 1 }), [heads, headDim, 2, 8]);
        const out = lshAttention(q, v, { chunkLength: 16, numBuckets: 16, numHashes: 2, rotations, causal: true });
        rotations.dispose();
        return out;
      },
    ],
    ['sinkhorn', (q, k, v) => sinkhornAttention(q, k, v, { blockSize: 32, sortKernel: tf.eye(headDim) as tf.Tensor2D })],
  ];
  for (const [name, run] of cases) {
    it(`${name}: peak(2N) / peak(N) is about 2, far from the 4 of N² (N = 512 → 1024)`, async () => {
      const sizes = [512, 1024];
      const peaks: number[] = [];
      for (const n of sizes) {
        const [q, k, v] = inputs(n);
        peaks.push(await peakBytes(() => run(q!, k!, v!, n)));
        tf.dispose([q!, k!, v!]);
      }
      const ratio = peaks[1]! / peaks[0]!;
      // And well under dense softmax attention measured the same way at 2N.
      const [q, k, v] = inputs(1024);
      const dense = await peakBytes(() => scaledDotProductAttention(q!, k!, v!));
      tf.dispose([q!, k!, v!]);
      expect(peaks[1]!, `sparse ${peaks[1]} vs dense ${dense} bytes`).toBeLessThan(dense / 2);
      expect(ratio, `peaks ${peaks.join(' → ')} bytes`).toBeGreaterThan(1.5);
      expect(ratio, `peaks ${peaks.join(' → ')} bytes`).toBeLessThan(2.5);
    });
  }
});
