import { getTask } from '../tasks/index.js';
import { Checkpoints } from '../train/checkpoint.js';
import { evaluate, type EvalResult } from '../train/evaluate.js';
import { readRunConfig } from '../train/run.js';

/** Loss and accuracy of a run's newest checkpoint on its task's test (or validation) split. */
export async function evalRun(runDir: string, split: 'test' | 'validation'): Promise<EvalResult & { checkpoint: string; step: number }> {
  const config = readRunConfig(runDir);
  const checkpoints = new Checkpoints(runDir);
  const latest = checkpoints.latest();
  if (!latest) throw new Error(`${runDir}: no checkpoint to evaluate`);
  const { model, optimizerWeights, state } = await checkpoints.load(latest);
  optimizerWeights.forEach((w) => w.tensor.dispose());
  const data = await getTask(config.task).prepare(config);
  const r = await evaluate(model, data[split], { inputShape: data.inputShape, inputDtype: data.inputDtype }, Math.max(config.batchSize, 128));
  model.dispose();
  return { ...r, checkpoint: latest, step: state.step };
}
