/**
 * The training loop of an open run, from its start step to its last (or for
 * `stopAfter` steps of this process): Adam on the config's schedule, batches in
 * each epoch's seeded order; the train metrics every `logEvery` steps, validation
 * every `evalEvery`, a checkpoint every `checkpointEvery`, and all three at the last step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { learningRateAt } from '../config.js';
import { epochOrder } from '../data/rng.js';
import { makeBatch } from './batch.js';
import type { TrainWindowState } from './checkpoint.js';
import { evaluate, type EvalResult } from './evaluate.js';
import type { Metric } from './metrics.js';
import type { OpenRun } from './open.js';
import { EtaClock, type Progress } from './progress.js';
import { readSeedCounters } from './seed-counters.js';
import { profiledTrainStep, trainStep } from './step.js';

export interface LoopResult {
  /** The step reached: the run's total when it is complete. */
  step: number;
  /** Peak bytes of tensor buffers during this process's second training step (0 before it). */
  peakTensorBytes: number;
  /** Highest resident set size sampled after each of this process's steps and evaluations of this run. */
  peakRssBytes: number;
  /** Mean loss and speed of the last logged window (NaN, 0 before one). */
  lastTrain: { loss: number; samplesPerSec: number };
  lastValidation?: EvalResult;
}

/**
 * Train loss, hits and time since the last logged step; speed counts training time only, not evaluation or checkpoints.
 * Checkpoints carry it (`state()`), so a run resumed between two logged steps logs the same means as an uninterrupted one.
 */
class TrainWindow {
  loss = 0;
  hits = 0;
  n = 0;
  /** Labels that counted (n for classification; the labelled positions of per-position tasks). */
  labelled = 0;
  steps = 0;
  seconds = 0;

  static from(s: TrainWindowState | undefined): TrainWindow {
    // Checkpoints from before per-position tasks counted one label per sample.
    return Object.assign(new TrainWindow(), s ?? {}, s && s.labelled === undefined ? { labelled: s.n } : {});
  }

  state(): TrainWindowState {
    return { loss: this.loss, hits: this.hits, n: this.n, labelled: this.labelled, steps: this.steps, seconds: this.seconds };
  }

  add(loss: number, hits: number, n: number, labelled: number, seconds: number): void {
    this.loss += loss;
    this.hits += hits;
    this.n += n;
    this.labelled += labelled;
    this.steps++;
    this.seconds += seconds;
  }

  get meanLoss(): number {
    return this.loss / this.steps;
  }
  get accuracy(): number {
    return this.hits / Math.max(this.labelled, 1);
  }
  get samplesPerSec(): number {
    return this.n / this.seconds;
  }
}

export async function trainLoop(run: OpenRun, progress: Progress, stopAfter?: number): Promise<LoopResult> {
  const { config, data, model, optimizer, total, perEpoch, epochs } = run;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const log = (m: Metric) => {
    run.metrics.append(m);
    progress.metric(m);
  };
  const result: LoopResult = { step: run.start.step, peakTensorBytes: 0, peakRssBytes: process.memoryUsage.rss(), lastTrain: { loss: NaN, samplesPerSec: 0 } };
  let { step, samples } = run.start;
  let win = TrainWindow.from(run.start.trainWindow);
  let order: Int32Array = new Int32Array(0);
  let orderEpoch = -1;
  const clock = new EtaClock();
  for (let ran = 0; step < total && (stopAfter === undefined || ran < stopAfter); ran++) {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = epochOrder(data.train.n, config.seed, epoch);
      orderEpoch = epoch;
    }
    const began = performance.now();
    const at = (step % perEpoch) * config.batchSize;
    const { x, y, labelled } = makeBatch(data.train, order.subarray(at, at + config.batchSize), data.inputShape, data.inputDtype);
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(config, step, total);
    let out: { loss: tf.Scalar; hits: tf.Scalar };
    if (ran === 1) {
      // Measure the second step (the first builds kernels): peak bytes held by tensors.
      const profiled = await profiledTrainStep(model, optimizer, vars, x, y);
      result.peakTensorBytes = profiled.peakBytes;
      out = profiled;
    } else {
      out = trainStep(model, optimizer, vars, x, y);
    }
    const l = (await out.loss.data())[0]!;
    const h = (await out.hits.data())[0]!;
    tf.dispose([x, y, out.loss, out.hits]);
    if (!Number.isFinite(l)) throw new Error(`training diverged at step ${step + 1}: loss is ${l}; try a lower --lr`);
    step++;
    samples += config.batchSize;
    result.peakRssBytes = Math.max(result.peakRssBytes, process.memoryUsage.rss());
    win.add(l, h, config.batchSize, labelled, (performance.now() - began) / 1000);
    const speed = win.samplesPerSec;
    progress.tick({ step, totalSteps: total, epoch, epochs, loss: win.meanLoss, accuracy: win.accuracy, samplesPerSec: speed, etaSeconds: clock.eta(step, total) });
    const last = step === total;
    if (step % config.logEvery === 0 || last) {
      result.lastTrain = { loss: win.meanLoss, samplesPerSec: speed };
      log({ kind: 'train', step, epoch, loss: win.meanLoss, accuracy: win.accuracy, learningRate: learningRateAt(config, step - 1, total), samplesPerSec: speed, wallSeconds: run.wallSeconds() });
      win = new TrainWindow();
    }
    if (step % config.evalEvery === 0 || last) {
      result.lastValidation = await evaluate(model, data, 'validation', config.batchSize);
      result.peakRssBytes = Math.max(result.peakRssBytes, process.memoryUsage.rss());
      log({ kind: 'eval', split: 'validation', step, loss: result.lastValidation.loss, accuracy: result.lastValidation.accuracy, wallSeconds: run.wallSeconds() });
    }
    if (step % config.checkpointEvery === 0 || last) {
      const where = await run.checkpoints.save(model, optimizer, {
        step, wallSeconds: run.wallSeconds(), samples, trainWindow: win.state(), seedCounters: readSeedCounters(model),
      });
      progress.event({ kind: 'checkpoint', step, path: where });
    }
  }
  progress.end();
  return { ...result, step };
}
