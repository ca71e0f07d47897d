import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, listAttentions, RegistryError } from '@attention-zoo/attention-core';
import '@attention-zoo/linear-attention';
import { backendSuite, testBackends, useBackend } from '@attention-zoo/test-utils';
import { CSwin, DeiT, NAMED_CONFIGS, Pvt, Swin, createBackbone, modelStats, type Backbone } from '../src/index.js';

type Quad = [number, number, number, number];

/** Reduced models (32×32 images) of each family with one attention choice everywhere. */
const FAMILIES: Record<string, (attention: string) => Backbone> = {
  'deit (class token)': (attention) => new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, numClasses: 3, attention, seed: 1 }),
  'deit (pooled)': (attention) => new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, numClasses: 3, classToken: false, posEmbed: false, attention, seed: 1 }),
  'pvt v2': (attention) =>
    new Pvt({ version: 2, imageSize: 32, embedDims: [8, 16, 16, 16], numHeads: [2, 2, 2, 2], mlpRatios: [2, 2, 2, 2], depths: [1, 1, 1, 1] as Quad, numClasses: 3, attention, seed: 1 }),
  swin: (attention) => new Swin({ imageSize: 32, embedDim: 8, depths: [2, 1], numHeads: [2, 2], numClasses: 3, windowSize: 4, attention, seed: 1 }),
  'cswin (stripes of 2: two branches)': (attention) =>
    new CSwin({ imageSize: 32, embedDim: 8, depths: [1, 1, 1, 1] as Quad, numHeads: [2, 2, 2, 2], numClasses: 3, attention: attention === 'cswin-lepe' ? { name: attention, splitSize: 2 } : attention, seed: 1 }),
  cswin: (attention) => new CSwin({ imageSize: 32, embedDim: 8, depths: [1, 1, 1, 1] as Quad, numHeads: [2, 2, 2, 2], numClasses: 3, attention, seed: 1 }),
};

const images = (b = 2) => tf.randomUniform([b, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;

async function roundTrip(model: Backbone, x: tf.Tensor4D): Promise<tf.Tensor> {
  const input = tfl.input({ shape: [32, 32, 3] });
  const seq = tfl.model({ inputs: input, outputs: model.apply(input) as tfl.SymbolicTensor });
  let saved: tf.io.ModelArtifacts | undefined;
  await seq.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
  const y = loaded.predict(x) as tf.Tensor;
  loaded.dispose();
  return y;
}

for (const backend of await testBackends(['cpu'])) {
  backendSuite('every registered attention in every backbone', backend, () => {
    const names = listAttentions().map((d) => d.name); // swin-window, cswin-lepe and spatial-reduction among them
    for (const [family, make] of Object.entries(FAMILIES)) {
      describe(family, () => {
        for (const name of names) {
          it(`${name}: builds, runs forward and backward, saves and loads — or is rejected at build time`, async () => {
            const start = tf.memory().numTensors;
            const model = make(name);
            const x = images();
            let y: tf.Tensor;
            try {
              y = model.apply(x) as tf.Tensor; // builds the model (weights named under its scope, as a saved model's)
            } catch (err) {
              x.dispose();
              // Only a clear configuration error is an acceptable refusal, and only for grid attentions with class tokens.
              expect(err).toBeInstanceOf(AttentionConfigError);
              // the only refusals: grid attentions beside a class token, AFT-conv's 7×7 kernel on a 2×2 grid,
              // windows/stripes that do not tile a grid, and on the last stage's 1×1 grid (32×32 images)
              // spatial reduction's default srRatio 2 and memory compression's default stride 3
              expect((err as Error).message).toMatch(
                /class token|kernelSize 7 is larger than the grid \[2, 2\]|is not divisible into|srRatio 2 is larger than the grid \[1, 1\]|compressionFactor 3 is larger than the sequence \(1 tokens\)/,
              );
              model.dispose();
              return;
            }
            expect(y.shape).toEqual([2, 3]);
            const data = await y.data();
            expect(data.every(Number.isFinite)).toBe(true);
            const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
            const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
            const normT = tf.tidy(() => tf.stack(vars.map((v) => tf.sum(tf.abs(grads[v.name]!)))));
            const norms = Array.from(await normT.data()).map((n) => [n]);
            normT.dispose();
            expect(norms.every((n) => Number.isFinite(n[0]!))).toBe(true);
            // gradients reach most of the model (a few zero-initialised gates may start with none)
            expect(norms.filter((n) => n[0]! > 0).length).toBeGreaterThan(0.8 * vars.length);
            tf.dispose([value, ...Object.values(grads)]);
            const y2 = await roundTrip(model, x);
            const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y, y2))));
            expect((await diff.data())[0]).toBeLessThan(1e-5);
            diff.dispose();
            tf.dispose([y, y2]);
            model.dispose();
            x.dispose();
            expect(tf.memory().numTensors).toBe(start); // weights, caches and the loaded copy all freed
          });
        }
      });
    }
  });
}

describe('build-time errors', () => {
  it('rejects a grid attention with a class token, naming the model, block and fix', () => {
    const m = new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, attention: 'flatten' });
    expect(() => m.build([null, 32, 32, 3])).toThrow(/DeiT 'deit' block 0: attention 'flatten' needs tokens = grid H·W = 16, but this model adds 1 class token/);
  });
  it('rejects maxTokens below the stage tokens', () => {
    const m = createBackbone('deit-t', { imageSize: 32, depth: 1, attention: { name: 'aft-full', maxTokens: 4 } } as never);
    expect(() => m.build([null, 32, 32, 3])).toThrow(/maxTokens 4, but this stage has 5 tokens/);
  });
  it('rejects unknown attentions and models', () => {
    expect(() => createBackbone('swin-t', { imageSize: 32, attention: 'nope' } as never).build([null, 32, 32, 3])).toThrow(RegistryError);
    expect(() => createBackbone('swin-xxl')).toThrow(/unknown backbone 'swin-xxl'; known: deit-t/);
  });
  it('rejects images of the wrong size', () => {
    const m = createBackbone('swin-t', { imageSize: 32, numClasses: 2, depths: [1, 1, 1, 1], windowSize: 1 } as never);
    expect(() => m.apply(tf.zeros([1, 64, 64, 3]))).toThrow(/input must be images \[batch, 32, 32, 3\]/);
  });
});

describe('parameter counts (built, no forward pass)', () => {
  const withCode = Object.entries(NAMED_CONFIGS).filter(([, n]) => n.official);
  beforeAll(() => useBackend('cpu'));
  it('cover the official code of every model that has one (16 of them)', () => {
    expect(withCode.map(([name]) => name)).toHaveLength(16);
  });
  for (const [name, named] of withCode) {
    const code = named.official!;
    it(`${name} has the official code's ${code.exact ? 'exact count' : 'count (two decimals)'} ${code.params}M`, () => {
      const before = tf.memory().numTensors;
      const s = modelStats(name);
      expect(tf.memory().numTensors).toBe(before); // the model is built and disposed
      if (code.exact) expect(s.params).toBe(Math.round(code.params * 1e6));
      else expect(Math.abs(s.params / 1e6 - code.params)).toBeLessThanOrEqual(0.005 + 1e-9);
    });
  }
});
