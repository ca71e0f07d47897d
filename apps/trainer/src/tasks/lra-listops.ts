import { maskedSequenceClassifier } from '../models/masked-sequence-classifier.js';
import { encodeListOps, LISTOPS_VOCAB } from './listops.js';
import { generateListOps } from './listops-lra.js';
import { limit, type TaskSpec } from './task.js';

/**
 * LRA ListOps at the benchmark's lengths (Tay et al. 2021): 500 < length < 2,000 tokens,
 * depth ≤ 10, ≤ 10 arguments, from LRA's generator (`listops-lra.ts`), padded with id 0
 * to 2,000 and masked: the padding reaches neither attention nor pooling. Default budget
 * (a CPU-sized cut of LRA's 96k/2k/2k): 2,000 / 200 / 200 examples, 1 epoch.
 */
export const LRA_LISTOPS_TASK: TaskSpec = {
  name: 'lra-listops',
  summary: 'LRA ListOps at LRA lengths (500 < length < 2000), padded and masked; 10 classes',
  model: 'Transformer over tokens: embedding, learned positions, pre-norm encoder with the key-padding mask, [CLS] pooling, linear head',
  causal: false,
  keyPaddingMask: true,
  defaults: {
    epochs: 1, batchSize: 8, learningRate: 5e-4, warmupSteps: 50, evalEvery: 100, checkpointEvery: 100,
    data: { listops: { train: 2000, validation: 200, test: 200, minLength: 500, maxLength: 2000, maxDepth: 10, maxArgs: 10 } },
  },
  async prepare(c) {
    const o = c.data.listops;
    const all = generateListOps(o.train + o.validation + o.test, c.seed, o);
    const tokens = o.maxLength; // [CLS] + at most maxLength − 1 expression tokens
    const enc = (from: number, to: number) => encodeListOps(all.slice(from, to), tokens);
    const v = o.train + o.validation;
    return {
      train: limit(enc(0, o.train), c.data.trainLimit),
      validation: limit(enc(o.train, v), c.data.validationLimit),
      test: limit(enc(v, v + o.test), c.data.testLimit),
      inputShape: [tokens],
      inputDtype: 'int32',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      vocabulary: LISTOPS_VOCAB,
      preprocessing: `ids of [CLS] + the expression's tokens, padded with 0 (masked) to ${tokens}`,
      describe: `LRA ListOps, ${o.minLength} < length < ${o.maxLength}, masked padding; ${o.train}/${o.validation}/${o.test} examples, seed ${c.seed}`,
      buildModel: (e) => maskedSequenceClassifier({ ...e, tokens, vocab: LISTOPS_VOCAB.length, classes: 10, pool: 'first' }),
    };
  },
};
