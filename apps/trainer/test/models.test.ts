import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { sequenceClassifier, smallVit } from '../src/index.js';
import { registerMeanValues } from './helpers.js';

const encoder = { dim: 8, depth: 1, numHeads: 2, mlpRatio: 2, dropPath: 0, seed: 0 };

describe('the trainer models hand each attention the layout it needs', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('a grid variant gets the ViT patch grid [H/p, W/p], and no maxTokens', async () => {
    const grid = registerMeanValues('test-grid', { needsGrid: true });
    const vit = smallVit({ ...encoder, attention: { name: grid }, image: [28, 28, 1], patch: 7, classes: 10 });
    const cfg = vit.getLayer('encoder').getConfig();
    expect(cfg['grid']).toEqual([4, 4]);
    expect(cfg).not.toHaveProperty('maxTokens');
    const y = vit.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 10]);
    tf.dispose([y]);
    vit.dispose();
  });

  it('a length-tied variant gets maxTokens = the sequence length, a grid variant the grid [1, N]', () => {
    const tied = registerMeanValues('test-max-tokens', { needsMaxTokens: true });
    const seq = (name: string) => sequenceClassifier({ ...encoder, attention: { name }, tokens: 12, vocab: 5, classes: 3, pool: 'first', causal: false });
    const a = seq(tied);
    expect(a.getLayer('encoder').getConfig()).toMatchObject({ maxTokens: 12 });
    expect(a.getLayer('encoder').getConfig()).not.toHaveProperty('grid');
    const b = seq(registerMeanValues('test-grid', { needsGrid: true }));
    expect(b.getLayer('encoder').getConfig()['grid']).toEqual([1, 12]);
    expect(b.getLayer('encoder').getConfig()).not.toHaveProperty('maxTokens');
    const softmax = seq('softmax').getLayer('encoder').getConfig();
    expect(softmax).not.toHaveProperty('grid');
    expect(softmax).not.toHaveProperty('maxTokens');
    [a, b].forEach((m) => m.dispose());
  });
});
