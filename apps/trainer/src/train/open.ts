/**
 * Opening a run: a new run folder (`config.json`, `task.json`, a freshly built
 * model) or an existing one resumed from its newest usable checkpoint (model,
 * Adam's state and the step; leftovers of an interrupted write removed, damaged
 * newer checkpoints skipped, metrics logged after that step dropped) or, when it
 * stopped before its first checkpoint, started over; then the run header.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getAttention } from '@attention-zoo/attention-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../config.js';
import type { EncoderOptions } from '../models/encoder.js';
import { readRunConfig, taskInfo, writeRunConfig, writeTaskInfo } from '../run-folder.js';
import { getTask, prepareTask } from '../tasks/index.js';
import type { PreparedTask, TaskSpec } from '../tasks/task.js';
import { writeAdamPowers } from './adam-powers.js';
import { Checkpoints, type CheckpointState } from './checkpoint.js';
import { MetricsLog } from './metrics.js';
import { findResumePoint } from './resume-point.js';
import { writeSeedCounters } from './seed-counters.js';
import { lockRunFolder } from './run-lock.js';
import type { Progress } from './progress.js';

export interface OpenOptions {
  config: TrainConfig;
  runDir: string;
  /** Continue from the newest checkpoint in runDir (its config.json is used, not `config`). */
  resume?: boolean;
  /** Lines for the header besides the run's own (backend choice). */
  header?: string[];
  /** Lines that belong to this run's header but were printed once for several runs (compare's backend block): in report.md, not printed again. */
  printedHeader?: string[];
}

/** An open run: what the loop trains and the finish reports. */
export interface OpenRun {
  runDir: string;
  config: TrainConfig;
  task: TaskSpec;
  data: PreparedTask;
  /** Steps of the whole run and of one epoch; epochs begun over the run. */
  total: number;
  perEpoch: number;
  epochs: number;
  model: tfl.LayersModel;
  optimizer: tf.Optimizer;
  checkpoints: Checkpoints;
  metrics: MetricsLog;
  /** Where training starts: zeros for a new run, the checkpoint's state when resumed. */
  start: CheckpointState;
  resumedFrom?: string;
  parameters: number;
  header: string[];
  /** Releases the run folder's lock (runTraining does, when the run ends or fails). */
  release(): void;
  /** Wall-clock seconds of training so far, a resumed run's earlier seconds included (opening not counted). */
  wallSeconds(): number;
}

export async function openRun(o: OpenOptions, progress: Progress): Promise<OpenRun> {
  const runDir = o.runDir;
  const config = o.resume ? readRunConfig(runDir) : o.config;
  const task = getTask(config.task);
  const data = await prepareTask(config);
  const { total, perEpoch } = totalSteps(config, data.train.n);
  const checkpoints = new Checkpoints(runDir);
  const metrics = new MetricsLog(join(runDir, 'metrics.jsonl'));
  const optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8);
  // One writer per run folder: taken before anything in it is read for resuming or written.
  mkdirSync(runDir, { recursive: true });
  const release = lockRunFolder(runDir);
  let opened: Opened;
  try {
    opened = o.resume ? await resumeRun(checkpoints, metrics, optimizer, config, task, data, progress) : createRun(runDir, config, task, data);
  } catch (err) {
    release();
    optimizer.dispose();
    throw err;
  }
  const parameters = countParams(opened.model);
  const header = [
    ...(o.printedHeader ?? []),
    ...(o.header ?? []),
    `task: ${data.describe}`,
    `model: ${task.model}; dim ${config.model.dim}, depth ${config.model.depth}, ${config.model.numHeads} heads — ${parameters.toLocaleString('en-US')} parameters`,
    `attention: ${config.attention}${Object.keys(config.attentionOptions).length ? ` ${JSON.stringify(config.attentionOptions)}` : ''}`,
    ...(config.attentionFallback ? [`NOTE: ${config.attentionFallback.reason}`] : []),
    `training: ${total} steps (${perEpoch} per epoch) × batch ${config.batchSize}, Adam lr ${config.learningRate} (warm-up ${config.warmupSteps}, cosine), seed ${config.seed}`,
    `run folder: ${runDir}${opened.resumedFrom ? ` — resumed from ${opened.resumedFrom}` : ''}`,
  ];
  for (const l of header.slice(o.printedHeader?.length ?? 0)) progress.info(l);
  progress.event({
    kind: 'header', runDir, task: config.task, attention: config.attention, attentionFallback: config.attentionFallback, backend: config.backend,
    totalSteps: total, parameters, resumedFrom: opened.resumedFrom, lines: header,
  });
  const t0 = performance.now();
  return {
    runDir, config, task, data, total, perEpoch, epochs: Math.ceil(total / perEpoch), optimizer, checkpoints, metrics, parameters, header, release, ...opened,
    wallSeconds: () => opened.start.wallSeconds + (performance.now() - t0) / 1000,
  };
}

type Opened = Pick<OpenRun, 'model' | 'start' | 'resumedFrom'>;

function createRun(runDir: string, config: TrainConfig, task: TaskSpec, data: PreparedTask): Opened {
  if (existsSync(join(runDir, 'config.json'))) throw new Error(`${runDir} already holds a run; use --resume ${runDir} to continue it, or another --run folder`);
  writeRunConfig(runDir, config);
  return startFresh(runDir, config, task, data);
}

/** Step 0 of a run whose config.json is written: task.json and a freshly built model. */
function startFresh(runDir: string, config: TrainConfig, task: TaskSpec, data: PreparedTask): Opened {
  writeTaskInfo(runDir, taskInfo(task.name, task.causal, data));
  return { model: data.buildModel(encoderOptions(config)), start: { step: 0, wallSeconds: 0, samples: 0 } };
}

async function resumeRun(
  checkpoints: Checkpoints, metrics: MetricsLog, optimizer: tf.Optimizer, config: TrainConfig, task: TaskSpec, data: PreparedTask, progress: Progress,
): Promise<Opened> {
  const left = checkpoints.cleanLeftovers();
  const point = await findResumePoint(checkpoints, (l) => progress.warn(l));
  if (!point) {
    // Stopped before its first checkpoint: nothing to continue, so the same run starts over (same config, seed and data).
    progress.warn(
      `resume: ${checkpoints.runDir} has no checkpoint yet (the run stopped before its first one${left.length ? `; removed the unfinished ${left.join(', ')}` : ''}); starting it over from step 0`,
    );
    metrics.truncateAfter(0);
    return startFresh(checkpoints.runDir, config, task, data);
  }
  const { name, checkpoint: ck } = point;
  const foreign = mismatches(ck.model, config, data);
  if (foreign.length) {
    ck.model.dispose();
    tf.dispose(ck.optimizerWeights.map((w) => w.tensor));
    throw new Error(`${checkpoints.runDir}: checkpoint ${name} is not of this run's config.json: ${foreign.join('; ')}. Refusing to resume from it.`);
  }
  // Adam creates its moment variables on the first update; restoring sets them in the same order.
  await optimizer.setWeights(ck.optimizerWeights);
  tf.dispose(ck.optimizerWeights.map((w) => w.tensor));
  // setWeights recomputed beta1^t, beta2^t with other rounding: put back the saved ones (adam-powers.ts).
  if (ck.adamPowers) writeAdamPowers(optimizer, ck.adamPowers);
  // Dropout seeds continue from the saved call counts, not from zero (seed-counters.ts).
  if (ck.state.seedCounters) writeSeedCounters(ck.model, ck.state.seedCounters);
  metrics.truncateAfter(ck.state.step);
  return { model: ck.model, start: ck.state, resumedFrom: name };
}

function encoderOptions(c: TrainConfig): EncoderOptions {
  const { dim, depth, numHeads, mlpRatio, dropPath } = c.model;
  return { attention: { ...c.attentionOptions, name: c.attention }, dim, depth, numHeads, mlpRatio, dropPath, seed: c.seed };
}

function totalSteps(c: TrainConfig, trainN: number): { total: number; perEpoch: number } {
  const perEpoch = Math.floor(trainN / c.batchSize);
  if (perEpoch < 1) throw new Error(`batch size ${c.batchSize} is larger than the ${trainN} training examples`);
  return { total: c.steps ?? c.epochs * perEpoch, perEpoch };
}

function countParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** How a checkpoint's model differs from what the run's config builds: attention, encoder sizes, input and classes. */
function mismatches(model: tfl.LayersModel, config: TrainConfig, data: PreparedTask): string[] {
  let enc: Record<string, unknown>;
  try {
    enc = model.getLayer('encoder').getConfig() as Record<string, unknown>;
  } catch {
    return ['its model has no encoder layer'];
  }
  const out: string[] = [];
  for (const k of ['dim', 'numHeads', 'depth'] as const) if (enc[k] !== config.model[k]) out.push(`${k} ${String(enc[k])} (the run: ${config.model[k]})`);
  const want = (getAttention(config.attention).layer as unknown as { className: string }).className;
  const got = [...new Set((enc['attention'] as { className: string }[]).map((a) => a.className))];
  if (got.length !== 1 || got[0] !== want) out.push(`attention ${got.join(', ')} (the run: ${config.attention}, ${want})`);
  const input = JSON.stringify(model.inputs[0]!.shape.slice(1));
  if (input !== JSON.stringify(data.inputShape)) out.push(`input ${input} (the run's task ${config.task}: ${JSON.stringify(data.inputShape)})`);
  const classes = model.outputs[0]!.shape.at(-1);
  if (classes !== data.classes.length) out.push(`${String(classes)} classes (the run's task: ${data.classes.length})`);
  return out;
}
