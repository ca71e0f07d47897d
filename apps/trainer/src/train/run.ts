/**
 * One training run, from scratch or resumed: the loop, validation, checkpoints,
 * metrics, and the run folder's report and plots at the end.
 *
 * Run folder: config.json, metrics.jsonl, checkpoints/step-N/ (see checkpoint.ts),
 * and at the end summary.json, report.md, loss.svg, accuracy.svg.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AttentionSpec } from '@attention-zoo/attention-core';
import { learningRateAt, type TrainConfig } from '../config.js';
import { epochOrder } from '../data/rng.js';
import type { EncoderOptions } from '../models/encoder-options.js';
import { runReport, runPlots } from '../report/run-report.js';
import { taskInfo, writeTaskInfo } from '../run-folder.js';
import { getTask } from '../tasks/index.js';
import type { PreparedTask } from '../tasks/task.js';
import { writeAtomic } from './atomic.js';
import { makeBatch } from './batch.js';
import { Checkpoints } from './checkpoint.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { correct, crossEntropy } from './loss.js';
import { MetricsLog, type EvalMetric, type Metric } from './metrics.js';
import { Progress } from './progress.js';

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

export interface RunOptions {
  config: TrainConfig;
  runDir: string;
  /** Continue from the newest checkpoint in runDir (its config.json is used). */
  resume?: boolean;
  progress?: Progress;
  /** Stop after this many steps of this process (tests use it to interrupt a run). */
  stopAfter?: number;
  /** Lines for the header besides the run's own (backend choice). */
  header?: string[];
}

export function encoderOptions(c: TrainConfig): EncoderOptions {
  const attention: AttentionSpec = { ...c.attentionOptions, name: c.attention };
  return { attention, dim: c.model.dim, depth: c.model.depth, heads: c.model.heads, mlpRatio: c.model.mlpRatio, dropPath: c.model.dropPath, seed: c.seed };
}

export function totalSteps(c: TrainConfig, trainN: number): { total: number; perEpoch: number } {
  const perEpoch = Math.floor(trainN / c.batchSize);
  if (perEpoch < 1) throw new Error(`batch size ${c.batchSize} is larger than the ${trainN} training examples`);
  return { total: c.steps ?? c.epochs * perEpoch, perEpoch };
}

export function readRunConfig(runDir: string): TrainConfig {
  const p = join(runDir, 'config.json');
  if (!existsSync(p)) throw new Error(`${runDir} is not a run folder (no config.json)`);
  return JSON.parse(readFileSync(p, 'utf8')) as TrainConfig;
}

function countParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

export async function runTraining(o: RunOptions): Promise<RunSummary | undefined> {
  const progress = o.progress ?? new Progress('lines');
  const runDir = o.runDir;
  const config = o.resume ? readRunConfig(runDir) : o.config;
  const task = getTask(config.task);
  const data: PreparedTask = await task.prepare(config);
  const { total, perEpoch } = totalSteps(config, data.train.n);
  const epochs = Math.ceil(total / perEpoch);
  const checkpoints = new Checkpoints(runDir);
  const metrics = new MetricsLog(join(runDir, 'metrics.jsonl'));

  let model: tfl.LayersModel;
  const optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, 1e-8);
  let step = 0;
  let wallBefore = 0;
  let samples = 0;
  let resumedFrom: string | undefined;
  if (o.resume) {
    const left = checkpoints.cleanLeftovers();
    const latest = checkpoints.latest();
    if (!latest) throw new Error(`${runDir}: no complete checkpoint to resume from${left.length ? ` (removed the unfinished ${left.join(', ')})` : ''}`);
    const ck = await checkpoints.load(latest);
    model = ck.model;
    // Adam creates its moment variables on the first update; restoring sets them in the same order.
    await optimizer.setWeights(ck.optimizerWeights);
    tf.dispose(ck.optimizerWeights.map((w) => w.tensor));
    ({ step, wallSeconds: wallBefore, samples } = ck.state);
    metrics.truncateAfter(step);
    resumedFrom = latest;
  } else {
    if (existsSync(join(runDir, 'config.json'))) throw new Error(`${runDir} already holds a run; use --resume ${runDir} to continue it, or another --run folder`);
    mkdirSync(runDir, { recursive: true });
    writeAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    writeTaskInfo(runDir, taskInfo(task.name, task.causal, data));
    model = data.buildModel(encoderOptions(config));
  }
  const params = countParams(model);
  const header = [
    ...(o.header ?? []),
    `task: ${data.describe}`,
    `model: ${task.model}; dim ${config.model.dim}, depth ${config.model.depth}, ${config.model.heads} heads — ${params.toLocaleString('en-US')} parameters`,
    `attention: ${config.attention}${Object.keys(config.attentionOptions).length ? ` ${JSON.stringify(config.attentionOptions)}` : ''}`,
    ...(config.attentionFallback ? [`NOTE: ${config.attentionFallback.reason}`] : []),
    `training: ${total} steps (${perEpoch} per epoch) × batch ${config.batchSize}, Adam lr ${config.learningRate} (warm-up ${config.warmupSteps}, cosine), seed ${config.seed}`,
    `run folder: ${runDir}${resumedFrom ? ` — resumed from ${resumedFrom}` : ''}`,
  ];
  for (const l of header) progress.info(l);
  progress.event({ kind: 'header', runDir, task: config.task, attention: config.attention, attentionFallback: config.attentionFallback, backend: config.backend, totalSteps: total, parameters: params, resumedFrom, lines: header });

  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const shape = { inputShape: data.inputShape, inputDtype: data.inputDtype };
  const log = (m: Metric) => {
    metrics.append(m);
    progress.metric(m);
  };
  let peakTensorBytes = 0;
  const t0 = performance.now();
  const wall = () => wallBefore + (performance.now() - t0) / 1000;
  let win = { loss: 0, hits: 0, n: 0, steps: 0, seconds: 0 };
  let lastTrain = { loss: NaN, speed: 0 };
  let order: Int32Array | undefined;
  let orderEpoch = -1;
  let ran = 0;
  let lastValidation: EvalResult | undefined;

  const trainStep = (x: tf.Tensor, y: tf.Tensor1D): [tf.Scalar, tf.Scalar] => {
    let hits: tf.Scalar | undefined;
    const loss = optimizer.minimize(
      () => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        hits = tf.keep(correct(logits, y));
        return crossEntropy(logits, y);
      },
      true,
      vars,
    )!;
    return [loss, hits!];
  };

  while (step < total) {
    if (o.stopAfter !== undefined && ran >= o.stopAfter) break;
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = epochOrder(data.train.n, config.seed, epoch);
      orderEpoch = epoch;
    }
    const began = performance.now();
    const at = (step % perEpoch) * config.batchSize;
    const { x, y } = makeBatch(data.train, order!.subarray(at, at + config.batchSize), data.inputShape, data.inputDtype);
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(config, step, total);
    let loss: tf.Scalar;
    let hits: tf.Scalar;
    if (ran === 1) {
      // Measure the second step (the first builds kernels): peak bytes held by tensors.
      let pair: [tf.Scalar, tf.Scalar] | undefined;
      const info = await tf.profile(() => {
        pair = trainStep(x, y);
        return pair;
      });
      peakTensorBytes = info.peakBytes;
      [loss, hits] = pair!;
    } else {
      [loss, hits] = trainStep(x, y);
    }
    const l = (await loss.data())[0]!;
    const h = (await hits.data())[0]!;
    tf.dispose([x, y, loss, hits]);
    if (!Number.isFinite(l)) throw new Error(`training diverged at step ${step + 1}: loss is ${l}; try a lower --lr`);
    step++;
    ran++;
    samples += config.batchSize;
    win.loss += l;
    win.hits += h;
    win.n += config.batchSize;
    win.steps++;
    win.seconds += (performance.now() - began) / 1000; // training time only: evaluation and checkpoints are not counted
    const speed = win.n / win.seconds;
    progress.tick({ step, totalSteps: total, epoch, epochs, loss: win.loss / win.steps, accuracy: win.hits / win.n, samplesPerSec: speed, etaSeconds: ((total - step) * config.batchSize) / speed });
    if (step % config.logEvery === 0 || step === total) {
      lastTrain = { loss: win.loss / win.steps, speed };
      log({ kind: 'train', step, epoch, loss: win.loss / win.steps, accuracy: win.hits / win.n, learningRate: learningRateAt(config, step - 1, total), samplesPerSec: speed, wallSeconds: wall() });
      win = { loss: 0, hits: 0, n: 0, steps: 0, seconds: 0 };
    }
    if (step % config.evalEvery === 0 || step === total) {
      lastValidation = await evaluate(model, data.validation, shape, Math.max(config.batchSize, 128));
      log({ kind: 'eval', split: 'validation', step, loss: lastValidation.loss, accuracy: lastValidation.accuracy, wallSeconds: wall() });
    }
    if (step % config.checkpointEvery === 0 || step === total) {
      const where = await checkpoints.save(model, optimizer, { step, wallSeconds: wall(), samples });
      progress.event({ kind: 'checkpoint', step, path: where });
    }
  }
  progress.end();
  if (step < total) {
    // Interrupted on purpose (stopAfter): leave the run resumable.
    model.dispose();
    optimizer.dispose();
    return undefined;
  }
  const test = await evaluate(model, data.test, shape, Math.max(config.batchSize, 128));
  const testMetric: EvalMetric = { kind: 'test', split: 'test', step, loss: test.loss, accuracy: test.accuracy, wallSeconds: wall() };
  metrics.append(testMetric);
  progress.event(testMetric as unknown as Record<string, unknown>);
  const all = metrics.read();
  const trainLines = all.filter((m) => m.kind === 'train');
  const summary: RunSummary = {
    runDir,
    task: config.task,
    attention: config.attention,
    attentionFallback: config.attentionFallback,
    backend: config.backend,
    steps: total,
    parameters: params,
    test,
    validation: lastValidation,
    trainLoss: trainLines.at(-1)?.loss ?? lastTrain.loss,
    wallSeconds: wall(),
    samplesPerSec: trainLines.length ? trainLines.reduce((a, m) => a + m.samplesPerSec, 0) / trainLines.length : lastTrain.speed,
    peakTensorBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  writeAtomic(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const [file, svg] of Object.entries(runPlots(all, `${config.task} · ${config.attention}`))) writeAtomic(join(runDir, file), svg);
  writeAtomic(join(runDir, 'report.md'), runReport(config, summary, header, all));
  progress.event({ kind: 'summary', ...summary });
  progress.result(
    `final test accuracy: ${(100 * test.accuracy).toFixed(2)}% (loss ${test.loss.toFixed(4)}, ${test.n} examples) — ${config.task}, ${config.attention}, ` +
      `${formatSeconds(summary.wallSeconds)} on ${config.backend}; run folder ${runDir}`,
  );
  model.dispose();
  optimizer.dispose();
  return summary;
}

function formatSeconds(s: number): string {
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
}
