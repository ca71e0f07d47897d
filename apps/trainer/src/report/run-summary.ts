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
  /** Peak bytes of tensor buffers during one training step (each buffer once; weights and Adam's state included). */
  peakTensorBytes: number;
  /**
   * Peak resident memory during this run, bytes: sampled after every training step,
   * validation and the test evaluation of this process (not the process's lifetime
   * peak, which in `compare` would carry over from the runs before).
   */
  peakRssBytes: number;
}
