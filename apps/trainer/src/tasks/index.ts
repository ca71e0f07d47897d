import { LISTOPS_TASK } from './listops.js';
import { LRA_LISTOPS_TASK } from './lra-listops.js';
import { MNIST_TASK } from './mnist.js';
import { PATHFINDER_TASK } from './pathfinder.js';
import { RECALL_TASK } from './recall.js';
import type { TaskSpec } from './task.js';

export const TASKS: readonly TaskSpec[] = [MNIST_TASK, LISTOPS_TASK, RECALL_TASK, LRA_LISTOPS_TASK, PATHFINDER_TASK];

export function getTask(name: string): TaskSpec {
  const t = TASKS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown task '${name}'; tasks: ${TASKS.map((x) => x.name).join(', ')}`);
  return t;
}
