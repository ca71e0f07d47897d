import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { dense, headMatMul } from '@attention-zoo/attention-core/ops';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

// Reference: tf's batched matMul with its gradients on cpu. On wasm headMatMul takes its
// other path (a loop of 2-D products, explicit transposes): values and gradients must agree.

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('headMatMul', backend, () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`equals tf.matMul on [B, H, r, c] with transposeA=${ta}, transposeB=${tb}, value and gradients`, async () => {
        const aShape = ta ? [2, 3, 4, 5] : [2, 3, 5, 4];
        const bShape = tb ? [2, 3, 6, 4] : [2, 3, 4, 6];
        const run = (mm: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () => {
          const a = rand(aShape, 1);
          const b = rand(bShape, 2);
          const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x, y))))([a, b]);
          return [mm(a, b), value, ...grads];
        };
        const want = await valuesOnCpu(run((a, b) => tf.matMul(a, b, ta, tb)));
        await useBackend(backend.name);
        const before = tf.memory().numTensors;
        const got = tf.tidy(run((a, b) => headMatMul(a, b, { transposeA: ta, transposeB: tb })));
        expect(got[0]!.shape).toEqual([2, 3, 5, 6]);
        for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!)).toBeLessThan(1e-4 * (1 + Math.max(...want[i]!.map(Math.abs))));
        tf.dispose(got);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('dense (2-D product with explicit-transpose gradients on wasm): value and gradients equal tf.matMul on cpu', async () => {
      const run = (f: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () => {
        const [x, w, b] = [rand([2, 5, 4], 3), rand([4, 6], 4), rand([6], 5)];
        const { value, grads } = tf.valueAndGrads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.square(f(p, q, r))))([x, w, b]);
        return [f(x, w, b), value, ...grads];
      };
      const want = await valuesOnCpu(run((x, w, b) => tf.add(tf.reshape(tf.matMul(tf.reshape(x, [10, 4]), w), [2, 5, 6]), b)));
      await useBackend(backend.name);
      const got = tf.tidy(run((x, w, b) => dense(x, w as tf.Tensor2D, b as tf.Tensor1D)));
      expect(got[0]!.shape).toEqual([2, 5, 6]);
      for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!)).toBeLessThan(1e-4 * (1 + Math.max(...want[i]!.map(Math.abs))));
      tf.dispose(got);
    });

    it('names mismatched leading dims', () => {
      tf.tidy(() => {
        expect(() => headMatMul(tf.zeros([2, 3, 4, 4]), tf.zeros([2, 2, 4, 4]))).toThrow(AttentionInputError);
        expect(() => headMatMul(tf.zeros([2, 3, 4, 4]), tf.zeros([2, 2, 4, 4]))).toThrow(/same leading dims/);
      });
    });
  });
}
