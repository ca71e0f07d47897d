import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { dense } from '@attention-zoo/attention-core/ops';
import { denseReference } from '@attention-zoo/attention-core/kernels';
import { backendSuite, maxAbsDiff, testBackends, useBackend, valuesOnCpu } from '@attention-zoo/test-utils';

// core's `dense` (the wasm GEMM kernel on wasm) against the stock fused matMul on cpu: value and
// the gradients of x, W and b, with edge shapes (rows and columns not multiples of the 4×8 tiles)
// and a W wide enough to be cut into column panels.

const SHAPES: [number, number, number][] = [[37, 130, 70], [300, 1000, 17], [5, 3, 9]];

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  backendSuite('dense kernel', backend, () => {
    for (const [rows, din, dout] of SHAPES) {
      for (const withBias of [true, false]) {
        it(`[${rows}, ${din}]·[${din}, ${dout}]${withBias ? ' + b' : ''}: value and gradients equal the stock product on cpu`, async () => {
          const run = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D) => tf.Tensor) => () => {
            const x = tf.randomNormal([rows, din], 0, 1, 'float32', 1) as tf.Tensor2D;
            const w = tf.randomNormal([din, dout], 0, 0.1, 'float32', 2) as tf.Tensor2D;
            const b = tf.randomNormal([dout], 0, 1, 'float32', 3) as tf.Tensor1D;
            const u = tf.randomNormal([rows, dout], 0, 1, 'float32', 4);
            const loss = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(f(p as tf.Tensor2D, q as tf.Tensor2D, withBias ? (r as tf.Tensor1D) : undefined), u));
            const { value, grads } = tf.valueAndGrads(withBias ? loss : (p: tf.Tensor, q: tf.Tensor) => loss(p, q, b))(withBias ? [x, w, b] : [x, w]);
            return [f(x, w, withBias ? b : undefined), value, ...grads];
          };
          const want = await valuesOnCpu(run(denseReference));
          await useBackend(backend.name);
          const before = tf.memory().numTensors;
          const got = tf.tidy(run((x, w, b) => dense(x, w, b)));
          for (let i = 0; i < got.length; i++) {
            const scale = 1 + want[i]!.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            expect(await maxAbsDiff(await got[i]!.data(), want[i]!), `output ${i}`).toBeLessThan(1e-5 * scale);
          }
          tf.dispose(got);
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it(`runs ${backend.name === 'wasm' ? 'the GEMM kernel' : "tfjs's product"} on ${backend.name}`, async () => {
      const x = tf.ones([4, 8]);
      const w = tf.ones([8, 8]) as tf.Tensor2D;
      const { kernelNames } = await tf.profile(() => dense(x, w));
      expect(kernelNames.includes('AttentionZooDense')).toBe(backend.name === 'wasm');
      tf.dispose([x, w]);
    });
  });
}
