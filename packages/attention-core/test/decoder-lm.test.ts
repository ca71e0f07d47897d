import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderLM, disposeState, sinusoidalPositions, stateBytes, TransformerEncoder } from '@attention-zoo/attention-core';
import { expectClose, maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import { sampleToken } from '../src/blocks/sampling.js';

describe('streaming decoding through blocks and the decoder LM', () => {
  beforeAll(() => useBackend('cpu'));

  it('an encoder stepped token by token gives its parallel causal output, threading one state per block', async () => {
    const enc = new TransformerEncoder({ dim: 16, numHeads: 2, depth: 2, causal: true, seed: 3 });
    const x = tf.randomNormal([2, 7, 16], 0, 1, 'float32', 4) as tf.Tensor3D;
    const want = enc.apply(x) as tf.Tensor3D;
    let states = enc.initialState(2);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < 7; t++) {
      const r = enc.step(tf.slice(x, [0, t, 0], [2, 1, 16]), states, { disposeState: true });
      outs.push(r.output);
      states = r.states;
    }
    expect(states.map((s) => s.position)).toEqual([7, 7]);
    disposeState(states);
    expectClose(tf.concat(outs, 1), want, { atol: 1e-5, rtol: 1e-4 });
  });

  it('sinusoidal positions: sin on even channels, cos on odd, any start', async () => {
    const pe = await sinusoidalPositions(5, 2, 4).array();
    const f = (i: number) => Math.pow(10000, -(2 * Math.floor(i / 2)) / 4);
    for (const [r, t] of [[0, 5], [1, 6]] as const) {
      expect(pe[r]![0]).toBeCloseTo(Math.sin(t * f(0)), 5);
      expect(pe[r]![1]).toBeCloseTo(Math.cos(t * f(1)), 5);
      expect(pe[r]![2]).toBeCloseTo(Math.sin(t * f(2)), 5);
      expect(pe[r]![3]).toBeCloseTo(Math.cos(t * f(3)), 5);
    }
  });

  for (const attention of ['softmax'] as const) {
    it(`DecoderLM (${attention}): step logits equal the parallel logits at every position`, async () => {
      const lm = new DecoderLM({ vocab: 11, dim: 16, numHeads: 2, depth: 2, attention, maxTokens: 16, seed: 5 });
      const ids = tf.tensor2d([[1, 4, 2, 9, 0, 3], [7, 7, 1, 10, 5, 2]], [2, 6], 'int32');
      const want = lm.apply(ids) as tf.Tensor3D; // [2, 6, 11]
      expect(want.shape).toEqual([2, 6, 11]);
      let state = lm.initialState(2);
      for (let t = 0; t < 6; t++) {
        const r = lm.step(tf.reshape(tf.slice(ids, [0, t], [2, 1]), [2]) as tf.Tensor1D, state, { disposeState: true });
        state = r.state;
        expect(await maxAbsDiff(r.logits, tf.reshape(tf.slice(want, [0, t, 0], [2, 1, 11]), [2, 11]))).toBeLessThan(1e-4);
      }
      disposeState(state.blocks);
    });
  }

  it('DecoderLM with a key-padding mask: left- and right-padded prompts in one batch get their logits alone', async () => {
    const lm = new DecoderLM({ vocab: 11, dim: 16, numHeads: 2, depth: 2, maxTokens: 16, seed: 6 });
    const prompt = [4, 9, 2];
    // Row 0 left-padded (pad id 0 at slots 0–2), row 1 right-padded; both hold the same 3-token prompt.
    const ids = tf.tensor2d([[0, 0, 0, ...prompt], [...prompt, 0, 0, 0]], [2, 6], 'int32');
    const mask = tf.tensor2d([[0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0]], [2, 6], 'bool');
    const alone = lm.apply(tf.tensor2d([prompt], [1, 3], 'int32')) as tf.Tensor3D; // [1, 3, 11]
    const batched = lm.apply([ids, mask]) as tf.Tensor3D;
    expect(await maxAbsDiff(tf.slice(batched, [0, 3, 0], [1, 3, 11]), alone)).toBeLessThan(1e-4);
    expect(await maxAbsDiff(tf.slice(batched, [1, 0, 0], [1, 3, 11]), alone)).toBeLessThan(1e-4);
    // The kwargs form is the same call; without the mask the left padding shifts positions and is attended.
    expect(await maxAbsDiff(lm.apply(ids, { keyPaddingMask: mask }) as tf.Tensor, batched)).toBeLessThan(1e-6);
    expect(await maxAbsDiff(tf.slice(lm.apply(ids) as tf.Tensor3D, [0, 3, 0], [1, 3, 11]), alone)).toBeGreaterThan(1e-3);
    expect(() => lm.apply([ids, tf.ones([2, 5])])).toThrow(/keyPaddingMask must be \[batch, keyTokens\]/);
  });

  it('generate: seeded, greedy at temperature 0 matches argmax of the parallel logits, and leaks nothing', async () => {
    const lm = new DecoderLM({ vocab: 9, dim: 16, numHeads: 2, depth: 1, seed: 8 });
    const run = async (o: Parameters<DecoderLM['generate']>[1]) => {
      const out: number[] = [];
      for await (const id of lm.generate([1, 2, 3], o)) out.push(id);
      return out;
    };
    const first = await run({ maxNewTokens: 6, seed: 1, temperature: 1 });
    expect(first).toHaveLength(6);
    const before = tf.memory().numTensors;
    expect(await run({ maxNewTokens: 6, seed: 1, temperature: 1 })).toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
    const greedy = await run({ maxNewTokens: 4, temperature: 0 });
    // Greedy decoding re-derived with the parallel forward on the growing text.
    const text = [1, 2, 3];
    for (let i = 0; i < 4; i++) {
      const logits = lm.apply(tf.tensor2d([text], [1, text.length], 'int32')) as tf.Tensor3D;
      text.push((await tf.argMax(tf.slice(logits, [0, text.length - 1, 0], [1, 1, 9]), -1).data())[0]!);
    }
    expect(greedy).toEqual(text.slice(3));
  });

  it('a decoder state of a softmax LM grows by one key and value per block per token', () => {
    const lm = new DecoderLM({ vocab: 5, dim: 8, numHeads: 2, depth: 2, seed: 1 });
    let state = lm.initialState(1);
    const sizes = [stateBytes(state.blocks)];
    for (let t = 0; t < 3; t++) {
      const r = lm.step(tf.tensor1d([t], 'int32'), state, { disposeState: true });
      r.logits.dispose();
      state = r.state;
      sizes.push(stateBytes(state.blocks));
    }
    disposeState(state.blocks);
    expect(sizes).toEqual([0, 1, 2, 3].map((t) => t * 2 * 2 * 8 * 4)); // blocks × (k, v) × dim × float32
  });

  it('DecoderLM round-trips through a saved functional model', async () => {
    const input = tfl.input({ shape: [6], dtype: 'int32' });
    const lm = new DecoderLM({ vocab: 7, dim: 8, numHeads: 2, depth: 1, seed: 2 });
    const model = tfl.model({ inputs: input, outputs: lm.apply(input) as tfl.SymbolicTensor });
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expectClose(loaded.predict(ids) as tf.Tensor, model.predict(ids) as tf.Tensor, { atol: 1e-6, rtol: 0 });
  });

  it('sampleToken: top-k keeps only the k most likely tokens; temperature 0 is argmax', () => {
    const logits = [0, 5, 4, -1];
    expect(sampleToken(logits, { temperature: 0 }, Math.random)).toBe(1);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(sampleToken(logits, { topK: 2, temperature: 5 }, Math.random));
    expect([...seen].sort()).toEqual([1, 2]);
  });
});
