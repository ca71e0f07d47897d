import { explainingFsErrors, readFolder } from '../fs-errors.js';
import { readRunConfig } from '../run-folder.js';
import { prepareTask } from '../tasks/index.js';
import { evaluate, type EvalResult } from '../train/evaluate.js';
import { loadNewestModel } from '../train/resume-point.js';

/**
 * Loss and accuracy of a run's newest usable checkpoint on its task's test (or validation) split.
 * A newer damaged checkpoint is skipped with a line to `warn` (which one and why); file-system
 * errors name the cause and the path (fs-errors.ts).
 */
export async function evalRun(
  runDir: string,
  split: 'test' | 'validation',
  warn: (line: string) => void = (l) => console.error(l),
): Promise<EvalResult & { checkpoint: string; step: number }> {
  const config = await explainingFsErrors([readFolder(runDir)], async () => readRunConfig(runDir));
  const { name, model, state } = await explainingFsErrors([readFolder(runDir)], () => loadNewestModel(runDir, 'eval', 'evaluate', warn));
  try {
    const r = await evaluate(model, await prepareTask(config), split, config.batchSize);
    return { ...r, checkpoint: name, step: state.step };
  } finally {
    model.dispose();
  }
}
