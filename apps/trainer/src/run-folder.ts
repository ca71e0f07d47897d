/** The JSON files of a run folder: `config.json` (the run's config) and `task.json` (what its model expects), and the folder's default name. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from './config.js';
import type { PreparedTask } from './tasks/task.js';
import { writeAtomic } from './train/atomic.js';

/** What a model of a run expects and predicts: `<run>/task.json`, read by export. */
export interface TaskInfo {
  task: string;
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  classes: string[];
  vocabulary?: string[];
  preprocessing: string;
  causal: boolean;
}

export function taskInfo(name: string, causal: boolean, p: PreparedTask): TaskInfo {
  return { task: name, inputShape: p.inputShape, inputDtype: p.inputDtype, classes: p.classes, vocabulary: p.vocabulary, preprocessing: p.preprocessing, causal };
}

export function writeTaskInfo(runDir: string, info: TaskInfo): void {
  writeAtomic(join(runDir, 'task.json'), `${JSON.stringify(info, null, 2)}\n`);
}

export function readTaskInfo(runDir: string): TaskInfo {
  const p = join(runDir, 'task.json');
  if (!existsSync(p)) throw new Error(`${runDir}: no task.json (not a trainer run folder?)`);
  return readJsonObject(p) as unknown as TaskInfo;
}

/** A run folder's JSON file that is damaged (cut off, edited by hand): the error names the file and the parse error. */
export class RunFileError extends Error {
  override name = 'RunFileError';
}

/** Parses `path` as a JSON object, or throws RunFileError naming the path and what is wrong. */
function readJsonObject(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new RunFileError(`${path} is not valid JSON: ${err.message}. Fix or restore the file (it was written by the trainer when the run began).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RunFileError(`${path} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function writeRunConfig(runDir: string, config: TrainConfig): void {
  writeAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** `<run>/config.json`; a folder written before `model.heads` became `model.numHeads` reads as the new form. */
export function readRunConfig(runDir: string): TrainConfig {
  const p = join(runDir, 'config.json');
  if (!existsSync(p)) throw new Error(`${runDir} is not a run folder (no config.json)`);
  const config = readJsonObject(p) as unknown as TrainConfig;
  // Valid JSON but not a config (another file copied over it): name the file, not a TypeError deep in training.
  for (const k of ['task', 'attention', 'model'] as const) if (config[k] === undefined) throw new RunFileError(`${p} is not a trainer config: it has no "${k}"`);
  const { heads, ...model } = config.model as TrainConfig['model'] & { heads?: number };
  return heads === undefined ? config : { ...config, model: { ...model, numHeads: model.numHeads ?? heads } };
}

/** `runs/mnist-flatten-20250101-120000`. */
export function defaultRunDir(runsDir: string, task: string, attention: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join(runsDir, `${task}-${attention}-${stamp}`);
}
