import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention, DecoderLM, disposeState, stateBytes } from '@attention-zoo/attention-core';
import '@attention-zoo/linear-attention';
import { maxAbsDiff, useBackend } from '@attention-zoo/test-utils';

describe('decoding with linear attention', () => {
  beforeAll(() => useBackend('cpu'));

  it('a DecoderLM on linear-elu steps to the parallel logits with a state that never grows', async () => {
    const lm = new DecoderLM({ vocab: 13, dim: 16, numHeads: 2, depth: 2, attention: 'linear-elu', seed: 3 });
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32');
    const want = lm.apply(ids) as tf.Tensor3D;
    let state = lm.initialState(1);
    const bytes = stateBytes(state.blocks);
    expect(bytes).toBe(2 * 2 * 8 * 9 * 4); // blocks × heads × m × (d + 1) floats
    for (let t = 0; t < 8; t++) {
      const r = lm.step(tf.tensor1d([[3, 1, 4, 1, 5, 9, 2, 6][t]!], 'int32'), state, { disposeState: true });
      state = r.state;
      expect(stateBytes(state.blocks)).toBe(bytes);
      expect(await maxAbsDiff(r.logits, tf.reshape(tf.slice(want, [0, t, 0], [1, 1, 13]), [1, 13]))).toBeLessThan(1e-4);
    }
    disposeState(state.blocks);
  });

  // The parallel causal form shifts every key by the maximum over the whole sequence, so a later key
  // 60σ above the rest underflows the earlier prefixes; the reference is the forward on each prefix
  // alone (what recomputing the prefix gives), and the step, rebased on its running max, matches it.
  it('Efficient Attention stays finite and exact when a key far exceeds the earlier ones (running max)', async () => {
    const layer = createAttention('efficient-attention', { dim: 8, numHeads: 2, causal: true, seed: 1 });
    const x = tf.mul(tf.randomNormal([1, 6, 8], 0, 1, 'float32', 2), tf.tensor3d([1, 1, 60, 1, 1, 60], [1, 6, 1])) as tf.Tensor3D;
    const prefixLast = (t: number) => tf.slice(layer.apply(tf.slice(x, [0, 0, 0], [1, t + 1, 8])) as tf.Tensor3D, [0, t, 0], [1, 1, 8]);
    const want = tf.concat(Array.from({ length: 6 }, (_, t) => prefixLast(t)), 1);
    let state = layer.initialState(1);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < 6; t++) {
      const r = layer.step(tf.slice(x, [0, t, 0], [1, 1, 8]), state, { disposeState: true });
      outs.push(r.output);
      state = r.state;
    }
    disposeState(state);
    const got = tf.concat(outs, 1);
    expect(Array.from(await got.data()).every(Number.isFinite)).toBe(true);
    expect((await maxAbsDiff(got, want)) / (await tf.max(tf.abs(want)).data())[0]!).toBeLessThan(1e-4);
  });
});
