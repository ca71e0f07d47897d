/**
 * Associative recall (as in H3 / Zoology): `k1 v1 k2 v2 … kn vn q`, distinct keys,
 * q one of them; the answer is q's value. Run causally and read at the last token,
 * so the model must carry each key's value forward through the causal form of its
 * attention — the long-range retrieval that linear and sparse variants find hardest.
 */
import { Rng } from '../data/rng.js';
import { sequenceTask } from './sequence-task.js';
import type { Examples, TaskSpec } from './task.js';

export interface RecallOptions {
  pairs: number;
  keys: number;
  values: number;
}

/** Ids: keys 0..K-1, values K..K+V-1. Label = value index 0..V-1. */
export function generateRecall(count: number, seed: number, o: RecallOptions): Examples {
  if (o.keys < o.pairs) throw new Error(`recall: need at least as many keys (${o.keys}) as pairs (${o.pairs})`);
  const rng = new Rng(seed);
  const t = 2 * o.pairs + 1;
  const x = new Int32Array(count * t);
  const y = new Int32Array(count);
  const keyIds = Array.from({ length: o.keys }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const keys = rng.shuffle(keyIds.slice()).slice(0, o.pairs);
    const vals = keys.map(() => rng.int(0, o.values - 1));
    keys.forEach((k, j) => {
      x[i * t + 2 * j] = k;
      x[i * t + 2 * j + 1] = o.keys + vals[j]!;
    });
    const asked = rng.int(0, o.pairs - 1);
    x[i * t + t - 1] = keys[asked]!;
    y[i] = vals[asked]!;
  }
  return { x, y, n: count };
}

export const RECALL_TASK: TaskSpec = {
  name: 'recall',
  summary: 'associative recall, causal: k1 v1 … kn vn q → value of q (default 16 pairs, 64 keys, 16 values)',
  model: 'causal Transformer over tokens: embedding, learned positions, causal pre-norm encoder, last-token readout, linear head',
  causal: true,
  defaults: { epochs: 4, batchSize: 32, learningRate: 1e-3, warmupSteps: 100, evalEvery: 200, checkpointEvery: 200 },
  async prepare(c) {
    const o = c.data.recall;
    const tokens = 2 * o.pairs + 1;
    // Distinct seeds per split, so the splits are independent draws.
    return sequenceTask({
      train: generateRecall(o.train, c.seed * 3 + 1, o),
      validation: generateRecall(o.validation, c.seed * 3 + 2, o),
      test: generateRecall(o.test, c.seed * 3 + 3, o),
      tokens,
      vocabulary: [...Array.from({ length: o.keys }, (_, i) => `k${i}`), ...Array.from({ length: o.values }, (_, i) => `v${i}`)],
      classes: Array.from({ length: o.values }, (_, i) => `v${i}`),
      pool: 'last',
      causal: true,
      preprocessing: `ids: keys 0..${o.keys - 1}, values ${o.keys}..${o.keys + o.values - 1}; ${tokens} tokens`,
      describe: `associative recall, ${o.pairs} pairs (${tokens} tokens), ${o.keys} keys, ${o.values} values; ${o.train}/${o.validation}/${o.test} examples`,
    });
  },
};
