/**
 * Multi-query associative recall (MQAR; Arora et al. 2023, "Zoology: Measuring and Improving
 * Recall in Efficient Language Models", arXiv 2312.04927), generated as the paper's own
 * generator (`multiquery_ar` in HazyResearch/zoology) lays it out:
 *
 *   k1 v1 k2 v2 … kD vD | … q · … q · …        (tokens = T, context = 2D)
 *
 * - the context holds D key-value pairs, keys distinct and values distinct;
 * - after it, every key is queried once, each query in a two-token slot (the key, then a
 *   filler); the slots are drawn without replacement with the generator's power law
 *   p(slot i) ∝ i^(a−1), i = 1 … (T − 2D)/2, a = 0.01 (`power_a`), so most queries sit
 *   close to the context and a few far from it;
 * - every other position holds a random token of the whole vocabulary (the paper's
 *   `random_non_queries`), so a query cannot be told by its position alone.
 *
 * Labels are per position: at a query, its key's value (the next token in the paper's
 * next-token form); everywhere else `IGNORE_LABEL`. The model is causal and reads every
 * position, so each query must retrieve the value bound to its key anywhere before it —
 * many retrievals per sequence, the recall gap Zoology measures between attention and
 * gated-convolution / linear-recurrent models.
 *
 * Ids: keys 0..K−1, values K..K+V−1; a label is the value's index 0..V−1.
 *
 * Default budget: T = 64 tokens, D = 8 pairs, K = V = 64 (a 128-token vocabulary, larger than
 * T as the generator requires); 20,000 / 1,000 / 1,000 sequences, 4 epochs at batch 32 (2,500
 * steps), learning rate 1e-3. That is the generator's default shape (T = 64, D = 8) with a fifth
 * of its 100,000 training sequences and a far smaller vocabulary than the paper's 8,192, so
 * the CPU backend trains it in minutes at dim 64; raise `--examples` and the vocabulary to
 * approach the paper's setting.
 */
import { Rng } from '../data/rng.js';
import { sequenceTask } from './sequence-task.js';
import { IGNORE_LABEL, type Examples, type TaskSpec } from './task.js';

export interface MqarOptions {
  /** Sequence length T. */
  tokens: number;
  /** Key-value pairs D in the context; each key is queried once. */
  pairs: number;
  /** Key vocabulary K (≥ D). */
  keys: number;
  /** Value vocabulary V (≥ D: values are distinct within a sequence). */
  values: number;
}

/** Zoology's power-law exponent for where queries fall after the context (`power_a`). */
export const MQAR_POWER_A = 0.01;

/** Checks that the options make sequences: D ≤ K, D ≤ V, and room for D query slots after the context. */
export function checkMqar(o: MqarOptions): void {
  if (o.keys < o.pairs || o.values < o.pairs) throw new Error(`mqar: need at least as many keys (${o.keys}) and values (${o.values}) as pairs (${o.pairs})`);
  const slots = Math.floor((o.tokens - 2 * o.pairs) / 2);
  if (slots < o.pairs) {
    throw new Error(`mqar: ${o.tokens} tokens leave ${slots} two-token query slots after the ${2 * o.pairs}-token context; ${o.pairs} queries need ${4 * o.pairs} tokens or more`);
  }
}

/** `count` distinct slots of 0..space−1, drawn one by one with p(i) ∝ (i + 1)^(a−1) among those left. */
function powerLawSlots(rng: Rng, space: number, count: number, weights: Float64Array): number[] {
  const left = Float64Array.from(weights);
  let total = left.reduce((a, w) => a + w, 0);
  const picked: number[] = [];
  for (let c = 0; c < count; c++) {
    let u = rng.next() * total;
    let i = 0;
    while (i < space - 1 && (u >= left[i]! || left[i] === 0)) u -= left[i++]!;
    while (left[i] === 0) i--; // rounding ran past the last free slot: take the last free one
    picked.push(i);
    total -= left[i]!;
    left[i] = 0;
  }
  return picked;
}

/** `count` MQAR sequences `[count, T]` and their per-position labels `[count, T]`, fixed by `seed`. */
export function generateMqar(count: number, seed: number, o: MqarOptions): Examples {
  checkMqar(o);
  const rng = new Rng(seed);
  const t = o.tokens;
  const context = 2 * o.pairs;
  const space = Math.floor((t - context) / 2);
  const weights = Float64Array.from({ length: space }, (_, i) => Math.pow(i + 1, MQAR_POWER_A - 1));
  const vocab = o.keys + o.values;
  const x = new Int32Array(count * t);
  const y = new Int32Array(count * t).fill(IGNORE_LABEL);
  const keyIds = Array.from({ length: o.keys }, (_, i) => i);
  const valueIds = Array.from({ length: o.values }, (_, i) => i);
  for (let n = 0; n < count; n++) {
    const row = n * t;
    for (let i = 0; i < t; i++) x[row + i] = rng.int(0, vocab - 1); // random non-query tokens
    const keys = rng.shuffle(keyIds.slice()).slice(0, o.pairs);
    const vals = rng.shuffle(valueIds.slice()).slice(0, o.pairs);
    keys.forEach((k, j) => {
      x[row + 2 * j] = k;
      x[row + 2 * j + 1] = o.keys + vals[j]!;
    });
    // Key j is queried in the j-th drawn slot s, at context + 2s (the slots come in random order).
    powerLawSlots(rng, space, o.pairs, weights).forEach((s, j) => {
      const at = row + context + 2 * s;
      x[at] = keys[j]!;
      y[at] = vals[j]!;
    });
  }
  return { x, y, n: count };
}

export const MQAR_TASK: TaskSpec = {
  name: 'mqar',
  summary: 'multi-query associative recall (Zoology), causal: D key-value pairs, then every key queried once among random tokens; each query predicts its value (default 64 tokens, 8 pairs, 64 keys, 64 values)',
  model: 'causal Transformer over tokens: embedding, learned positions, causal pre-norm encoder, a linear head on every position (loss and accuracy on the query positions only)',
  causal: true,
  defaults: { epochs: 4, batchSize: 32, learningRate: 1e-3, warmupSteps: 100, evalEvery: 200, checkpointEvery: 200 },
  async prepare(c) {
    const o = c.data.mqar;
    checkMqar(o);
    return sequenceTask({
      // Distinct seeds per split, so the splits are independent draws.
      train: generateMqar(o.train, c.seed * 3 + 1, o),
      validation: generateMqar(o.validation, c.seed * 3 + 2, o),
      test: generateMqar(o.test, c.seed * 3 + 3, o),
      tokens: o.tokens,
      vocabulary: [...Array.from({ length: o.keys }, (_, i) => `k${i}`), ...Array.from({ length: o.values }, (_, i) => `v${i}`)],
      classes: Array.from({ length: o.values }, (_, i) => `v${i}`),
      pool: 'every',
      causal: true,
      preprocessing: `ids: keys 0..${o.keys - 1}, values ${o.keys}..${o.keys + o.values - 1}; ${o.tokens} tokens; labels per position (value index at queries, ${IGNORE_LABEL} elsewhere)`,
      describe: `MQAR, ${o.tokens} tokens, ${o.pairs} pairs each queried once, ${o.keys} keys, ${o.values} values; accuracy over queries; ${o.train}/${o.validation}/${o.test} sequences`,
    });
  },
};
