import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { CSwin, DeiT, Pvt, Swin, type Backbone } from '../src/index.js';

await tf.setBackend('cpu');
type Quad = [number, number, number, number];

/** Every family with features: the maps' shapes (strides 4, 8, 16, 32; DeiT: the patch grid per block). */
const FAMILIES: [string, (o: object) => Backbone, number[][]][] = [
  ['deit', (o) => new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 4, numHeads: 2, seed: 1, ...o }), [[4, 4, 16], [4, 4, 16], [4, 4, 16]]],
  ['pvt v1 (class token in stage 4)', (o) => new Pvt({ version: 1, imageSize: 64, embedDims: [8, 16, 16, 16], numHeads: [1, 2, 2, 2], mlpRatios: [2, 2, 2, 2], depths: [1, 1, 1, 1] as Quad, srRatios: [4, 2, 1, 1], clsToken: true, seed: 1, ...o }), [[16, 16, 8], [8, 8, 16], [4, 4, 16], [2, 2, 16]]],
  ['pvt v2', (o) => new Pvt({ version: 2, imageSize: 64, embedDims: [8, 16, 16, 16], numHeads: [1, 2, 2, 2], mlpRatios: [2, 2, 2, 2], depths: [1, 1, 1, 1] as Quad, seed: 1, ...o }), [[16, 16, 8], [8, 8, 16], [4, 4, 16], [2, 2, 16]]],
  ['swin', (o) => new Swin({ imageSize: 32, embedDim: 8, depths: [2, 1], numHeads: [2, 2], windowSize: 4, seed: 1, ...o }), [[8, 8, 8], [4, 4, 16]]],
  ['cswin', (o) => new CSwin({ imageSize: 64, embedDim: 8, depths: [1, 1, 1, 1] as Quad, numHeads: [2, 2, 2, 2], seed: 1, ...o }), [[16, 16, 8], [8, 8, 16], [4, 4, 32], [2, 2, 64]]],
];

describe('features: multi-scale maps for dense tasks', () => {
  for (const [family, make, shapes] of FAMILIES) {
    it(`${family}: features: true returns the default maps; outIndices picks (negative from the end); no head`, () => {
      const size = family.startsWith('deit') || family === 'swin' ? 32 : 64;
      const x = tf.randomUniform([2, size, size, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const start = tf.memory().numTensors;
      const model = make({ features: true });
      const maps = model.apply(x) as tf.Tensor[];
      expect(maps.map((m) => m.shape)).toEqual(shapes.map((s) => [2, ...s]));
      expect(model.weightPaths().some((p) => p.startsWith('head'))).toBe(false);
      const last = make({ outIndices: [-1] });
      const one = last.apply(x) as tf.Tensor; // one output: tfjs's apply gives the tensor itself
      expect(one.shape).toEqual([2, ...shapes[shapes.length - 1]!]);
      // the same weights (same seed): the picked map is the last of the full list
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(one, maps[maps.length - 1]!))).dataSync()[0]);
      expect(diff).toBe(0);
      const wrong = make({ outIndices: [99] }); // checked when built
      expect(() => wrong.apply(x)).toThrow(/out index 99 is outside the model's \d+ feature maps/);
      expect(() => wrong.apply(x)).toThrow(AttentionConfigError);
      wrong.dispose();
      tf.dispose([...maps, one]);
      model.dispose();
      last.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(start + 0);
      x.dispose();
    });
  }

  it('a features model is a multi-output tf.model and round-trips its config', () => {
    const model = FAMILIES[3]![1]({ outIndices: [0, 1] });
    const input = tfl.input({ shape: [32, 32, 3] });
    const outputs = model.apply(input) as tfl.SymbolicTensor[];
    expect(outputs.map((o) => o.shape)).toEqual([[null, 8, 8, 8], [null, 4, 4, 16]]);
    expect(model.getConfig()).toMatchObject({ features: true, outIndices: [0, 1], numClasses: 0 });
    const m = tfl.model({ inputs: input, outputs });
    expect(m.outputs.length).toBe(2);
    model.dispose();
  });
});
