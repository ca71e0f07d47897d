import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

// On wasm scaledDotProductAttention runs one (batch, head) at a time with 2-D products;
// elsewhere it is batched. Reference: the batched form on cpu. Values and gradients must
// agree for every mask combination, with cross-attention (M ≠ N) and a padded key.

const cases = [
  { name: 'no mask', causal: false, pad: false },
  { name: 'causal', causal: true, pad: false },
  { name: 'key padding', causal: false, pad: true },
  { name: 'causal + key padding', causal: true, pad: true },
];

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('scaledDotProductAttention across backends', backend, () => {
    for (const c of cases) {
      it(`${c.name}: value and gradients equal the batched form on cpu`, async () => {
        const run = () => {
          const [q, k, v] = [rand([2, 3, 5, 4], 1), rand([2, 3, 7, 4], 2), rand([2, 3, 7, 6], 3)] as tf.Tensor4D[];
          const keyPaddingMask = c.pad ? tf.tensor2d([[1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1]]) : undefined;
          const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
            scaledDotProductAttention(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor4D, { causal: c.causal, keyPaddingMask, scale: 0.7 });
          const weights = tf.reshape(tf.range(0, 2 * 3 * 5 * 6), [2, 3, 5, 6]);
          const { grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, b, d), weights)))([q!, k!, v!]);
          return [f(q!, k!, v!), ...grads];
        };
        const want = await valuesOnCpu(run);
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(run);
        expect(got[0]!.shape).toEqual([2, 3, 5, 6]);
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!)).toBeLessThan(1e-4 * (1 + Math.max(...want[i]!.map(Math.abs))));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}
