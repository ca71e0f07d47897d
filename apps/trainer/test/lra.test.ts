import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants'; // every published package's registrations, as the CLI loads them
import { useBackend } from '@attention-zoo/test-utils';
import { Progress, runTraining } from '../src/index.js';
import { maskedSequenceClassifier } from '../src/models/masked-sequence-classifier.js';
import { generatePathfinder, PATHFINDER_32 } from '../src/tasks/pathfinder.js';
import { tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});
const encoder = { dim: 16, depth: 1, numHeads: 2, mlpRatio: 2, dropPath: 0, seed: 3 };

describe('long-range tasks: masked models, LRA ListOps and Pathfinder-32 (tiny sizes)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('the masked classifier: padding is masked (it would change the logits otherwise), batch neighbours do not matter', async () => {
    const model = maskedSequenceClassifier({ ...encoder, attention: { name: 'softmax' }, tokens: 12, vocab: 8, classes: 3, pool: 'first' });
    const ids = tf.tensor2d([[1, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0], [1, 5, 6, 7, 2, 3, 0, 0, 0, 0, 0, 0]], undefined, 'int32');
    const logits = (model.predict(ids) as tf.Tensor).arraySync() as number[][];
    // The same weights with a pad id that never occurs (so nothing is masked): the pads then change the logits.
    const unmasked = maskedSequenceClassifier({ ...encoder, attention: { name: 'softmax' }, tokens: 12, vocab: 8, classes: 3, pool: 'first', padId: 99 });
    unmasked.setWeights(model.getWeights());
    const seesPadding = (unmasked.predict(ids) as tf.Tensor).arraySync() as number[][];
    expect(Math.max(...logits[0]!.map((v, i) => Math.abs(v - seesPadding[0]![i]!)))).toBeGreaterThan(1e-4);
    // Sample 0 alone gives the logits it had beside a sample with less padding.
    const alone = (model.predict(tf.slice(ids, [0, 0], [1, 12])) as tf.Tensor).arraySync() as number[][];
    expect(Math.max(...alone[0]!.map((v, i) => Math.abs(v - logits[0]![i]!)))).toBeLessThan(1e-5);
  });

  it('a variant that cannot take a padding mask is refused with its reason', () => {
    const model = () => maskedSequenceClassifier({ ...encoder, attention: { name: 'aft-conv' }, tokens: 16, vocab: 8, classes: 2, pool: 'mean', grid: [4, 4] });
    expect(() => (model().predict(tf.ones([1, 16], 'int32')) as tf.Tensor).dispose()).toThrow(/does not support a key-padding mask: its tokens are the H×W pixels/);
  });

  it('Pathfinder-32: 1,024 pixel tokens, no pad id, balanced labels, deterministic by seed', () => {
    const a = generatePathfinder(40, 5);
    expect(a.x.length).toBe(40 * 1024);
    expect(Math.min(...a.x)).toBeGreaterThanOrEqual(1);
    expect(a.y.reduce((s, v) => s + v, 0)).toBe(20);
    expect(generatePathfinder(40, 5).x).toEqual(a.x);
    const lit = a.x.subarray(0, 1024).filter((v) => v > 1).length;
    // paths of dashes and two 3×3 markers: a few percent of the pixels, far from empty or full
    expect(lit).toBeGreaterThan(30);
    expect(lit).toBeLessThan(400);
    expect(PATHFINDER_32.side).toBe(32);
  });

  it('trains lra-listops (masked, tiny lengths) a few steps', async () => {
    const listops = tinyConfig(['--task', 'lra-listops', '--examples', '48,16,16', '--min-length', '8', '--max-length', '40', '--batch', '8', '--steps', '3']);
    const s = (await runTraining({ config: listops, runDir: tmp('lra-listops'), progress: quiet() }))!;
    expect(s.task).toBe('lra-listops');
    expect(Number.isFinite(s.trainLoss)).toBe(true);
  }, 120_000);

  it('trains pathfinder (1,024 tokens) two steps', async () => {
    const pf = tinyConfig(['--task', 'pathfinder', '--batch', '4', '--steps', '2', '--train-limit', '16', '--val-limit', '8', '--test-limit', '8', '--depth', '1']);
    const p = (await runTraining({ config: pf, runDir: tmp('pathfinder'), progress: quiet() }))!;
    expect(p.task).toBe('pathfinder');
    expect(p.test.accuracy).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
