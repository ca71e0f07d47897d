import { readRunConfig } from '../run-folder.js';
import { prepareTask } from '../tasks/index.js';
import { Checkpoints } from '../train/checkpoint.js';
import { evaluate, type EvalResult } from '../train/evaluate.js';

/** Loss and accuracy of a run's newest checkpoint on its task's test (or validation) split. */
export async function evalRun(runDir: string, split: 'test' | 'validation'): Promise<EvalResult & { checkpoint: string; step: number }> {
  const config = readRunConfig(runDir);
  const { name, model, state } = await new Checkpoints(runDir).loadNewestModel('evaluate');
  try {
    const r = await evaluate(model, await prepareTask(config), split, config.batchSize);
    return { ...r, checkpoint: name, step: state.step };
  } finally {
    model.dispose();
  }
}
