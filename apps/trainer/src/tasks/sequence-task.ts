import { sequenceClassifier } from '../models/sequence-classifier.js';
import type { Examples, PreparedTask } from './task.js';

/** What a sequence task supplies; the rest (int32 ids of `tokens` length, the model) is shared. */
export interface SequenceData {
  train: Examples;
  validation: Examples;
  test: Examples;
  tokens: number;
  vocabulary: string[];
  classes: string[];
  /** Which token the head reads: `first` ([CLS]), `last` (causal readout), or `every` (per-position labels). */
  pool: 'first' | 'last' | 'every';
  causal: boolean;
  preprocessing: string;
  describe: string;
}

/** A sequence task's data, with the sequence classifier sized to its vocabulary and classes. */
export function sequenceTask(s: SequenceData): PreparedTask {
  const { tokens, vocabulary, classes, pool, causal, ...splits } = s;
  return {
    ...splits,
    inputShape: [tokens],
    inputDtype: 'int32',
    classes,
    vocabulary,
    buildModel: (e) => sequenceClassifier({ ...e, tokens, vocab: vocabulary.length, classes: classes.length, pool, causal }),
  };
}
