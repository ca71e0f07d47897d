import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createAttention, disposeState, MAX_TOKENS } from '@attention-zoo/attention-core';
import { aftLocal } from '@attention-zoo/aft';
import { useBackend } from '@attention-zoo/test-utils';

await useBackend('cpu');

// Issue 17: a window wider than the sequence is clamped to it, never padded to its size.

describe('aft-local with a window wider than the sequence (cpu)', () => {
  it('aftLocal: windowSize 10⁶ on 12 tokens equals windowSize 12, fast', async () => {
    const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([2, 12, 8], 0, 1, 'float32', s));
    const w = tf.randomNormal([12, 12], 0, 1, 'float32', 4) as tf.Tensor2D;
    for (const causal of [false, true]) {
      const t0 = performance.now();
      const wide = aftLocal(q!, k!, v!, w, { windowSize: 1_000_000, causal });
      expect(performance.now() - t0).toBeLessThan(2000);
      const exact = aftLocal(q!, k!, v!, w, { windowSize: 12, causal });
      expect((await tf.max(tf.abs(tf.sub(wide, exact))).data())[0]).toBeLessThan(1e-5);
      tf.dispose([wide, exact]);
    }
    tf.dispose([q!, k!, v!, w]);
  });

  it('decoding keeps at most maxTokens − 1 past tokens, and steps as the windowSize = maxTokens layer does', async () => {
    const make = (windowSize: number) => createAttention('aft-local', { dim: 8, numHeads: 2, seed: 3, maxTokens: 6, windowSize, causal: true });
    const [wide, exact] = [make(MAX_TOKENS), make(6)];
    let [sw, se] = [wide.initialState(1), exact.initialState(1)];
    expect(sw.tensors['kPast']!.shape).toEqual([1, 5, 8]);
    for (let t = 0; t < 6; t++) {
      const xt = tf.randomNormal([1, 1, 8], 0, 1, 'float32', 10 + t) as tf.Tensor3D;
      const a = wide.step(xt, sw, { disposeState: true });
      const b = exact.step(xt, se, { disposeState: true });
      expect((await tf.max(tf.abs(tf.sub(a.output, b.output))).data())[0]).toBeLessThan(1e-5);
      [sw, se] = [a.state, b.state];
      tf.dispose([xt, a.output, b.output]);
    }
    disposeState(sw);
    disposeState(se);
    wide.dispose();
    exact.dispose();
  });
});
