import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { depthwiseConv2dSame, patchConv2d } from '@attention-zoo/attention-core/ops';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

// The reference is tf's own conv with its gradients, on the cpu backend; each
// backend (wasm lacks the depthwise and conv2d filter backprop kernels) must agree.

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('conv ops', backend, () => {
    it('depthwiseConv2dSame equals tf.depthwiseConv2d, value and gradients', async () => {
      const mk = () => [rand([2, 5, 6, 3], 1), rand([5, 5, 3, 1], 2)] as [tf.Tensor4D, tf.Tensor4D];
      const run = (conv: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D) => () => {
        const [x, f] = mk();
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D))))([x, f]);
        return [conv(x, f), value, ...grads];
      };
      const want = await valuesOnCpu(run((x, f) => tf.depthwiseConv2d(x, f, 1, 'same')));
      await useBackend(backend.name);
      const got = tf.tidy(run(depthwiseConv2dSame));
      for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!)).toBeLessThan(1e-3 * (1 + Math.max(...want[i]!.map(Math.abs))));
      tf.dispose(got);
    });

    it('patchConv2d equals tf.conv2d with stride = kernel, value and gradients', async () => {
      const mk = () => [rand([2, 8, 6, 3], 3), rand([2, 2, 3, 4], 4)] as [tf.Tensor4D, tf.Tensor4D];
      const run = (conv: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D) => () => {
        const [x, k] = mk();
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D))))([x, k]);
        return [conv(x, k), value, ...grads];
      };
      const want = await valuesOnCpu(run((x, k) => tf.conv2d(x, k, 2, 'valid')));
      await useBackend(backend.name);
      const got = tf.tidy(run(patchConv2d));
      for (let i = 0; i < got.length; i++) expect(await maxAbsDiff(await got[i]!.data(), want[i]!)).toBeLessThan(1e-3 * (1 + Math.max(...want[i]!.map(Math.abs))));
      tf.dispose(got);
    });
  });
}

describe('conv op errors', () => {
  it('name the bad filter or map', async () => {
    await useBackend('cpu');
    expect(() => depthwiseConv2dSame(tf.zeros([1, 4, 4, 3]), tf.zeros([4, 4, 3, 1]))).toThrow(/odd k/);
    expect(() => patchConv2d(tf.zeros([1, 2, 2, 3]), tf.zeros([4, 4, 3, 5]))).toThrow(/smaller than the 4×4 kernel/);
  });
});
