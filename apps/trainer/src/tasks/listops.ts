import { END, generateListOps, OPERATORS, type ListOpsExample } from './listops-lra.js';
import { sequenceTask } from './sequence-task.js';
import { DIGITS, type Examples, type TaskSpec } from './task.js';

/** Ids: 0 = padding, 1 = [CLS], then the 4 operators, `X` (= `]`) and the digits. */
export const LISTOPS_VOCAB = ['<pad>', '<cls>', ...OPERATORS, END, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const ID = new Map(LISTOPS_VOCAB.map((t, i) => [t, i]));

/** [CLS] + tokens, padded to `tokens` with id 0. */
export function encodeListOps(examples: ListOpsExample[], tokens: number): Examples {
  const x = new Int32Array(examples.length * tokens);
  examples.forEach((e, i) => {
    if (e.tokens.length + 1 > tokens) throw new Error(`listops: an expression of ${e.tokens.length} tokens does not fit ${tokens - 1}`);
    x[i * tokens] = 1;
    e.tokens.forEach((t, j) => (x[i * tokens + 1 + j] = ID.get(t)!));
  });
  return { x, y: Int32Array.from(examples.map((e) => e.value)), n: examples.length };
}

export const LISTOPS_TASK: TaskSpec = {
  name: 'listops',
  summary: 'LRA ListOps (MIN MAX MED SM, depth ≤ 10, ≤ 10 arguments), generated as LRA does from --seed; 10 classes',
  model: 'Transformer over tokens: embedding, learned positions, pre-norm encoder, [CLS] pooling, linear head',
  causal: false,
  defaults: { epochs: 2, batchSize: 32, learningRate: 1e-3, warmupSteps: 100, evalEvery: 200, checkpointEvery: 200 },
  async prepare(c) {
    const o = c.data.listops;
    // One seeded set of distinct expressions, cut into fixed splits (LRA's order: train, validation, test).
    const all = generateListOps(o.train + o.validation + o.test, c.seed, o);
    const tokens = o.maxLength; // at most maxLength-1 expression tokens, plus [CLS]
    const enc = (from: number, to: number) => encodeListOps(all.slice(from, to), tokens);
    const v = o.train + o.validation;
    return sequenceTask({
      train: enc(0, o.train),
      validation: enc(o.train, v),
      test: enc(v, v + o.test),
      tokens,
      vocabulary: LISTOPS_VOCAB,
      classes: DIGITS,
      pool: 'first',
      causal: false,
      preprocessing: `ids of [CLS] + the expression's tokens (vocabulary order), padded with 0 to ${tokens}`,
      describe: `ListOps, ${o.minLength} < length < ${o.maxLength}, depth ≤ ${o.maxDepth}, ≤ ${o.maxArgs} args; ${o.train}/${o.validation}/${o.test} examples, seed ${c.seed}`,
    });
  },
};
