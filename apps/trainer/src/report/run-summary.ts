import type { TrainConfig } from '../config.js';
import type { EvalResult } from '../train/evaluate.js';

/** What a finished run reports: `<run>/summary.json`, a row of `compare`. */
export interface RunSummary {
  runDir: string;
  task: string;
  attention: string;
  attentionFallback?: TrainConfig['attentionFallback'];
  backend: string;
  steps: number;
  parameters: number;
  test: EvalResult;
  validation?: EvalResult;
  /** Final training loss (mean of the last logged window). */
  trainLoss: number;
  wallSeconds: number;
  samplesPerSec: number;
  /** Peak bytes held by tensors during one training step (tf.profile). */
  peakTensorBytes: number;
  /** Peak resident memory of the process, bytes. */
  peakRssBytes: number;
}
