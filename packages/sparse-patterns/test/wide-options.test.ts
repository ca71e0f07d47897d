import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention, disposeState, MAX_TOKENS, stateBytes } from '@attention-zoo/attention-core';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import {
  bigBirdAttention,
  bigBirdRandomBlocks,
  fixedAttention,
  longformerAttention,
  slidingWindowAttention,
  stridedAttention,
} from '@attention-zoo/sparse-patterns';
import { useBackend } from '@attention-zoo/test-utils';

// Issue 17: a window, stride or block wider than the sequence is clamped to it (the dense
// pattern it implies), never padded to its own size; what cannot be clamped is refused before
// anything is allocated, and nothing leaks on the way out.

const n = 16;
const huge = 1_000_001; // odd, for windowBlocks
const inputs = () => [1, 2, 3].map((s) => tf.randomNormal([1, 2, n, 8], 0, 1, 'float32', s) as tf.Tensor4D);

async function expectClose(a: tf.Tensor, b: tf.Tensor, tol = 1e-5): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  expect(worst).toBeLessThan(tol);
}

/** Runs `f`, returning its output and the peak bytes it added (memory, not a timer: timings are for `pnpm bench`). */
async function measured(f: () => tf.Tensor): Promise<{ out: tf.Tensor; peak: number }> {
  const before = tf.memory().numBytes;
  let out: tf.Tensor | undefined;
  const info = await tf.profile(() => {
    out = f();
    return out;
  });
  return { out: out!, peak: info.peakBytes - before };
}

describe('options wider than the sequence are clamped to it (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const causalDense = (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => scaledDotProductAttention(q, k, v, { causal: true });
  const cases: [string, (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor, (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor][] = [
    ['local radius', (q, k, v) => slidingWindowAttention(q, k, v, { radius: huge }), (q, k, v) => scaledDotProductAttention(q, k, v)],
    ['local radius, causal', (q, k, v) => slidingWindowAttention(q, k, v, { radius: huge, causal: true }), causalDense],
    ['local radius, dilated', (q, k, v) => slidingWindowAttention(q, k, v, { radius: huge, dilation: 3 }), (q, k, v) => slidingWindowAttention(q, k, v, { radius: 5, dilation: 3 })],
    ['local dilation past the sequence', (q, k, v) => slidingWindowAttention(q, k, v, { radius: 2, dilation: huge }), (q, k, v) => slidingWindowAttention(q, k, v, { radius: 0 })],
    ['strided stride', (q, k, v) => stridedAttention(q, k, v, { stride: huge }), (q, k, v) => scaledDotProductAttention(q, k, v)],
    ['strided stride, causal', (q, k, v) => stridedAttention(q, k, v, { stride: huge, causal: true }), causalDense],
    ['sparse-fixed blockSize', (q, k, v) => fixedAttention(q, k, v, { blockSize: huge, summarySize: huge - 1 }), (q, k, v) => scaledDotProductAttention(q, k, v)],
    ['sparse-fixed blockSize, causal', (q, k, v) => fixedAttention(q, k, v, { blockSize: huge, summarySize: 8, causal: true }), causalDense],
    ['longformer radius', (q, k, v) => longformerAttention(q, k, v, { radius: huge, globalIndices: [0, 5] }), (q, k, v) => scaledDotProductAttention(q, k, v)],
    [
      'longformer radius, per-head dilation',
      (q, k, v) => longformerAttention(q, k, v, { radius: huge, dilation: [1, 4], globalIndices: [2] }),
      (q, k, v) => longformerAttention(q, k, v, { radius: 15, dilation: [1, 4], globalIndices: [2] }),
    ],
    ['bigbird windowBlocks', (q, k, v) => bigBirdAttention(q, k, v, { blockSize: 4, windowBlocks: huge, globalBlocks: [] }), (q, k, v) => scaledDotProductAttention(q, k, v)],
    [
      'bigbird numRandomBlocks',
      (q, k, v) =>
        bigBirdAttention(q, k, v, {
          blockSize: 4,
          windowBlocks: 1,
          globalBlocks: [],
          randomBlocks: bigBirdRandomBlocks({ numBlocks: 4, numHeads: 2, numRandomBlocks: huge, windowBlocks: 1, globalBlocks: [], seed: 1 }),
        }),
      (q, k, v) => scaledDotProductAttention(q, k, v),
    ],
  ];
  for (const [name, wide, reference] of cases) {
    it(`${name} of ${huge} on ${n} tokens: the dense pattern it implies, in O(N²) memory`, async () => {
      const [q, k, v] = inputs();
      const { out, peak } = await measured(() => wide(q!, k!, v!));
      const want = reference(q!, k!, v!);
      await expectClose(out, want);
      // O(N²) floats with a generous constant: padding to the window would be ≥ 10⁶ × 8 floats.
      expect(peak).toBeLessThan(200 * n * n * 2 * 4);
      tf.dispose([q!, k!, v!, out, want]);
    });
  }

  it('random blocks are drawn at most one per block: rows of min(r, numBlocks), the same draw', () => {
    const o = { numBlocks: 8, numHeads: 2, windowBlocks: 1, globalBlocks: [0], seed: 5 };
    const wide = bigBirdRandomBlocks({ ...o, numRandomBlocks: huge });
    const exact = bigBirdRandomBlocks({ ...o, numRandomBlocks: 8 });
    expect(wide).toEqual(exact);
  });

  it('layers at their schema bounds equal the dense-window layer on a short input', async () => {
    const x = tf.randomNormal([2, n, 16], 0, 1, 'float32', 4) as tf.Tensor3D;
    const pairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['local', { radius: MAX_TOKENS }, { radius: n - 1 }],
      ['strided', { stride: MAX_TOKENS }, { stride: n - 1 }],
      ['sparse-fixed', { blockSize: MAX_TOKENS, summarySize: 8 }, { blockSize: n, summarySize: 8 }],
      ['longformer', { radius: MAX_TOKENS, globalIndices: [1] }, { radius: n - 1, globalIndices: [1] }],
      // BigBird's schema bounds windowBlocks and numRandomBlocks by 4096.
      ['bigbird', { blockSize: 4, windowBlocks: 4095, numRandomBlocks: 4096, randomSeed: 1 }, { blockSize: 4, windowBlocks: 7, numRandomBlocks: 4, randomSeed: 1 }],
      ['mixed-sparse', { headPatterns: [{ pattern: 'local', radius: MAX_TOKENS }, { pattern: 'strided', stride: MAX_TOKENS }] }, { headPatterns: [{ pattern: 'local', radius: n - 1 }, { pattern: 'strided', stride: n - 1 }] }],
    ];
    for (const [name, wide, exact] of pairs) {
      const a = createAttention(name, { dim: 16, numHeads: 2, seed: 3, ...wide });
      const b = createAttention(name, { dim: 16, numHeads: 2, seed: 3, ...exact });
      const { out: ya, peak } = await measured(() => a.apply(x) as tf.Tensor);
      // Weights (dim 16) plus O(N²) work; a window-sized buffer would be ≥ 2²⁰ floats.
      expect(peak, name).toBeLessThan(2 ** 20);
      const yb = b.apply(x) as tf.Tensor;
      await expectClose(ya, yb);
      tf.dispose([ya, yb]);
      a.dispose();
      b.dispose();
    }
    x.dispose();
  });
});

describe('what cannot be clamped is refused before allocating, naming layer, option and shape (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('bigBirdAttention: blockSize not dividing N', () => {
    const [q, k, v] = inputs().map((t) => tf.slice(t, [0, 0, 0, 0], [1, 2, 10, 8]) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    expect(() => bigBirdAttention(q!, k!, v!, { blockSize: huge })).toThrow(/bigBirdAttention: q \[1,2,10,8\]: 10 tokens are not a multiple of blockSize 1000001/);
    expect(() => bigBirdAttention(q!, k!, v!, { blockSize: 4, windowBlocks: huge })).toThrow(/blockSize 4/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q!, k!, v!]);
  });

  it('the BigBird layer: an input that blockSize does not divide, no tensor left behind', () => {
    const layer = createAttention('bigbird', { dim: 16, numHeads: 2, blockSize: 4, numRandomBlocks: 4096, seed: 1 });
    const ok = tf.randomNormal([1, 8, 16]) as tf.Tensor3D;
    (layer.apply(ok) as tf.Tensor).dispose(); // builds the weights
    const bad = tf.randomNormal([1, 10, 16]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    expect(() => layer.apply(bad)).toThrow(/10 tokens are not a multiple of blockSize 4/);
    expect(() => layer.apply(bad)).toThrow(new RegExp(layer.name));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ok, bad]);
    layer.dispose();
  });
});

describe('decoding state is bounded by the tokens a layer can see (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('a causal window of MAX_TOKENS with maxTokens 16 keeps 15 tokens and decodes as the parallel forward', async () => {
    const layer = createAttention('local', { dim: 16, numHeads: 2, seed: 5, causal: true, radius: MAX_TOKENS, maxTokens: n });
    const x = tf.randomNormal([1, n, 16], 0, 1, 'float32', 6) as tf.Tensor3D;
    const parallel = layer.apply(x) as tf.Tensor3D;
    let state = layer.initialState(1);
    expect(stateBytes(state)).toBe(2 * 4 * 2 * (n - 1) * 8); // k and v: [1, 2 heads, 15, 8]
    const outs: tf.Tensor3D[] = [];
    for (let t = 0; t < n; t++) {
      const r = layer.step(tf.slice(x, [0, t, 0], [1, 1, 16]) as tf.Tensor3D, state, { disposeState: true });
      outs.push(r.output);
      state = r.state;
    }
    await expectClose(tf.concat(outs, 1), parallel, 1e-5);
    disposeState(state);
    tf.dispose([x, parallel, ...outs]);
    layer.dispose();
  });

  it('without maxTokens a huge window is refused before allocating, saying how to bound it', () => {
    const layer = createAttention('local', { dim: 512, numHeads: 8, causal: true, radius: MAX_TOKENS });
    tf.dispose(layer.apply(tf.zeros([1, 2, 512])) as tf.Tensor); // built: its weights exist before the count
    const before = tf.memory().numTensors;
    expect(() => layer.initialState(4)).toThrow(/keeps the last \d+ tokens' keys and values .* GiB for batch 4; pass maxTokens/);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });
});
