import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention, disposeState, stateBytes } from '@attention-zoo/attention-core';
import '@attention-zoo/flatten';
import { maxAbsDiff, useBackend } from '@attention-zoo/test-utils';

describe('causal flatten decodes token by token', () => {
  beforeAll(() => useBackend('cpu'));

  // A sequence grid (the DWC a causal 1-D conv) and a grid whose causal taps reach up two rows.
  for (const [grid, kernelSize] of [[[1, 12], 5], [[3, 5], 5], [[4, 3], 3]] as [[number, number], number][]) {
    it(`grid [${grid}], kernel ${kernelSize}: step equals the parallel causal forward; the state holds min(c, H−1)·W + c values`, async () => {
      const layer = createAttention('flatten', { dim: 16, numHeads: 2, grid, kernelSize, causal: true, seed: 4 });
      const n = grid[0] * grid[1];
      const x = tf.randomNormal([2, n, 16], 0, 1, 'float32', 9) as tf.Tensor3D;
      const want = layer.apply(x) as tf.Tensor3D;
      let state = layer.initialState(2);
      const c = Math.floor(kernelSize / 2);
      expect(state.tensors['vPast']!.shape).toEqual([2, Math.min(c, grid[0] - 1) * grid[1] + c, 16]);
      const bytes = stateBytes(state);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < n; t++) {
        const r = layer.step(tf.slice(x, [0, t, 0], [2, 1, 16]), state, { disposeState: true });
        outs.push(r.output);
        state = r.state;
        expect(stateBytes(state)).toBe(bytes);
      }
      expect(() => layer.step(tf.zeros([2, 1, 16]) as tf.Tensor3D, state)).toThrow(/past the last token/);
      disposeState(state);
      const scale = (await tf.max(tf.abs(want)).data())[0]!;
      expect((await maxAbsDiff(tf.concat(outs, 1), want)) / scale).toBeLessThan(1e-4);
    });
  }
});
