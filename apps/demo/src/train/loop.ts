// Training the trainer's small ViT on MNIST digits, step by step, on the active backend:
// Adam on the softmax cross-entropy, as `pnpm train` does (apps/trainer/src/train/run.ts),
// without its files and checkpoints. Stops between steps when its signal is aborted.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { correct, crossEntropy, epochOrder, smallVit } from '@attention-zoo/trainer/browser';
import { checkpoint, isCancelled } from '../job.js';
import type { Digits, MnistSlice } from './mnist.js';

export interface TrainSetup {
  attention: string;
  dim: number;
  depth: number;
  numHeads: number;
  /** Side of the square patches: 7 → 16 tokens on a 4×4 grid. */
  patch: number;
  batchSize: number;
  learningRate: number;
  steps: number;
  /** Held-out accuracy every this many steps (and at the end). */
  evalEvery: number;
  /** Held-out images evaluated each time. */
  evalImages: number;
  seed: number;
}

export interface StepReport {
  step: number;
  loss: number;
  /** Accuracy on this step's batch. */
  accuracy: number;
  stepsPerSecond: number;
}

export interface EvalReport {
  step: number;
  accuracy: number;
}

export interface TrainResult {
  model: LayersModel;
  steps: number;
  /** Held-out accuracy at the end (null if it stopped before any step). */
  accuracy: number | null;
  /** Why it ended early, when it did. */
  stopped?: string;
}

function batch(d: Digits, idx: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const per = 28 * 28;
  const x = new Float32Array(idx.length * per);
  const y = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    x.set(d.x.subarray(idx[i]! * per, (idx[i]! + 1) * per), i * per);
    y[i] = d.y[idx[i]!]!;
  }
  return { x: tf.tensor4d(x, [idx.length, 28, 28, 1]), y: tf.tensor1d(y, 'int32') };
}

/** Accuracy of `model` on the first `count` digits of `d`. */
export async function accuracyOn(model: LayersModel, d: Digits, count: number, signal: AbortSignal): Promise<number> {
  const n = Math.min(count, d.n);
  let hits = 0;
  for (let at = 0; at < n; at += 250) {
    await checkpoint(signal);
    const { x, y } = batch(d, Int32Array.from({ length: Math.min(250, n - at) }, (_, i) => at + i));
    const c = tf.tidy(() => correct(model.predict(x) as tf.Tensor, y));
    hits += (await c.data())[0]!;
    tf.dispose([x, y, c]);
  }
  return hits / n;
}

export async function trainClassifier(
  data: MnistSlice,
  s: TrainSetup,
  on: { step(r: StepReport): void; eval(r: EvalReport): void },
  signal: AbortSignal,
): Promise<TrainResult> {
  const model = smallVit({
    attention: { name: s.attention }, dim: s.dim, depth: s.depth, numHeads: s.numHeads, mlpRatio: 2, dropPath: 0, seed: s.seed,
    image: [28, 28, 1], patch: s.patch, classes: 10,
  });
  const optimizer = tf.train.adam(s.learningRate, 0.9, 0.999, 1e-8);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let step = 0;
  let order = epochOrder(data.train.n, s.seed, 0);
  let accuracy: number | null = null;
  let stopped: string | undefined;
  const began = performance.now();
  const evaluate = async () => {
    accuracy = await accuracyOn(model, data.test, s.evalImages, signal);
    on.eval({ step, accuracy });
  };
  try {
    while (step < s.steps) {
      await checkpoint(signal);
      const perEpoch = Math.floor(data.train.n / s.batchSize);
      if (step > 0 && step % perEpoch === 0) order = epochOrder(data.train.n, s.seed, step / perEpoch); // the trainer's order per epoch
      const at = (step % perEpoch) * s.batchSize;
      const { x, y } = batch(data.train, order.subarray(at, at + s.batchSize));
      let hits: tf.Scalar | undefined;
      const loss = optimizer.minimize(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        hits = tf.keep(correct(logits, y));
        return crossEntropy(logits, y);
      }, true, vars)!;
      const [l, a] = await Promise.all([loss.data(), hits!.data()]);
      tf.dispose([x, y, loss, hits!]);
      step++;
      on.step({ step, loss: l[0]!, accuracy: a[0]! / s.batchSize, stepsPerSecond: step / ((performance.now() - began) / 1000) });
      if (step % s.evalEvery === 0 && step < s.steps) await evaluate();
    }
    await evaluate();
  } catch (err) {
    if (!isCancelled(err)) {
      optimizer.dispose();
      model.dispose();
      throw err;
    }
    stopped = String(signal.reason ?? 'stopped');
  }
  optimizer.dispose();
  return { model, steps: step, accuracy, stopped };
}
