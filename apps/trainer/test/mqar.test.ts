import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { Progress, runTraining } from '../src/index.js';
import { generateMqar, MQAR_TASK } from '../src/tasks/mqar.js';
import { getTask } from '../src/tasks/index.js';
import { IGNORE_LABEL } from '../src/tasks/task.js';
import { correct, crossEntropy } from '../src/train/loss.js';
import { tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});

describe('MQAR (multi-query associative recall, Zoology), tiny sizes', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('lays out D pairs, then every key queried once with its value as the label; deterministic by seed', () => {
    const o = { tokens: 32, pairs: 4, keys: 10, values: 6 };
    const e = generateMqar(50, 7, o);
    expect(e.x.length).toBe(50 * 32);
    expect(e.y.length).toBe(50 * 32);
    expect(generateMqar(50, 7, o).x).toEqual(e.x);
    expect(generateMqar(50, 8, o).x).not.toEqual(e.x);
    let nearContext = 0;
    for (let n = 0; n < e.n; n++) {
      const x = Array.from(e.x.subarray(n * 32, (n + 1) * 32));
      const y = Array.from(e.y.subarray(n * 32, (n + 1) * 32));
      const bound = new Map<number, number>();
      for (let j = 0; j < o.pairs; j++) {
        expect(x[2 * j]).toBeLessThan(o.keys); // a key
        expect(x[2 * j + 1]).toBeGreaterThanOrEqual(o.keys); // its value
        bound.set(x[2 * j]!, x[2 * j + 1]! - o.keys);
      }
      expect(bound.size).toBe(o.pairs); // distinct keys
      expect(new Set(bound.values()).size).toBe(o.pairs); // distinct values
      const asked = y.flatMap((label, t) => (label === IGNORE_LABEL ? [] : [t]));
      expect(asked.length).toBe(o.pairs); // one query per key
      expect(new Set(asked.map((t) => x[t]))).toEqual(new Set(bound.keys()));
      for (const t of asked) {
        expect(t).toBeGreaterThanOrEqual(2 * o.pairs); // after the context
        expect((t - 2 * o.pairs) % 2).toBe(0); // on a two-token slot
        expect(y[t]).toBe(bound.get(x[t]!)); // the label is the key's value
      }
      nearContext += asked.filter((t) => t < 2 * o.pairs + 8).length;
    }
    // The power law (a = 0.01) puts most queries in the first slots after the context: 4 of the 12 slots
    // would hold a third of them if slots were uniform.
    expect(nearContext / (e.n * o.pairs)).toBeGreaterThan(0.4);
    expect(() => generateMqar(1, 0, { tokens: 12, pairs: 4, keys: 10, values: 6 })).toThrow(/4 queries need 16 tokens/);
  });

  it('per-position loss and accuracy count only the labelled positions', async () => {
    // Two examples of three positions; one labelled position each. Logits favour class 1 everywhere.
    const logits = tf.tensor3d([[[0, 3], [0, 3], [0, 3]], [[0, 3], [0, 3], [0, 3]]]);
    const labels = tf.tensor1d([IGNORE_LABEL, 1, IGNORE_LABEL, 0, IGNORE_LABEL, IGNORE_LABEL], 'int32');
    expect((await correct(logits, labels).data())[0]).toBe(1);
    const lse = Math.log(1 + Math.exp(3));
    expect((await crossEntropy(logits, labels).data())[0]).toBeCloseTo((lse - 3 + lse) / 2, 5);
  });

  it('is registered with a documented default budget, and trains a few steps', async () => {
    expect(getTask('mqar')).toBe(MQAR_TASK);
    expect(MQAR_TASK.defaults).toMatchObject({ epochs: 4, batchSize: 32 });
    const config = tinyConfig(['--task', 'mqar', '--examples', '48,16,16', '--pairs', '3', '--batch', '8', '--steps', '3']);
    config.data.mqar.tokens = 16;
    config.data.mqar.keys = 8;
    config.data.mqar.values = 8;
    const s = (await runTraining({ config, runDir: tmp('mqar'), progress: quiet() }))!;
    expect(s.task).toBe('mqar');
    expect(Number.isFinite(s.trainLoss)).toBe(true);
    expect(s.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(s.test.accuracy).toBeLessThanOrEqual(1);
  }, 120_000);
});
