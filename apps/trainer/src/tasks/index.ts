import { CHAR_LM_TASK } from './char-lm.js';
import type { TrainConfig } from '../config.js';
import { LISTOPS_TASK } from './listops.js';
import { LRA_LISTOPS_TASK } from './lra-listops.js';
import { MNIST_TASK } from './mnist.js';
import { MQAR_TASK } from './mqar.js';
import { PATHFINDER_TASK } from './pathfinder.js';
import { RECALL_TASK } from './recall.js';
import { limit, type PreparedTask, type TaskSpec } from './task.js';

export const TASKS: readonly TaskSpec[] = [MNIST_TASK, LISTOPS_TASK, RECALL_TASK, MQAR_TASK, CHAR_LM_TASK, LRA_LISTOPS_TASK, PATHFINDER_TASK];

export function getTask(name: string): TaskSpec {
  const t = TASKS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown task '${name}'; tasks: ${TASKS.map((x) => x.name).join(', ')}`);
  return t;
}

/** The data and model of a config's task, each split cut to its `--*-limit`. */
export async function prepareTask(config: TrainConfig): Promise<PreparedTask> {
  const p = await getTask(config.task).prepare(config);
  const d = config.data;
  return { ...p, train: limit(p.train, d.trainLimit), validation: limit(p.validation, d.validationLimit), test: limit(p.test, d.testLimit) };
}
