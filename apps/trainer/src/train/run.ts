/**
 * One training run, from scratch or resumed: open the run folder (open.ts), train
 * (loop.ts), and report (finish.ts). The run folder's files: the README's "Run folder".
 */
import { explainFsError } from '../fs-errors.js';
import type { RunSummary } from '../report/run-summary.js';
import { finishRun } from './finish.js';
import { trainLoop } from './loop.js';
import { openRun, type OpenOptions } from './open.js';
import { Progress } from './progress.js';

export interface RunOptions extends OpenOptions {
  progress?: Progress;
  /** Stop after this many steps of this process (tests use it to interrupt a run). */
  stopAfter?: number;
}

/** The run's summary, or undefined when `stopAfter` stopped it before its last step (it stays resumable). */
export async function runTraining(o: RunOptions): Promise<RunSummary | undefined> {
  try {
    return await train(o);
  } catch (err) {
    throw explainFsError(err, o.runDir); // a full disk or read-only folder in words, not as errno
  }
}

async function train(o: RunOptions): Promise<RunSummary | undefined> {
  const progress = o.progress ?? new Progress('lines');
  const run = await openRun(o, progress);
  try {
    const loop = await trainLoop(run, progress, o.stopAfter);
    return loop.step < run.total ? undefined : await finishRun(run, loop, progress);
  } finally {
    run.model.dispose();
    run.optimizer.dispose();
    run.release();
  }
}
