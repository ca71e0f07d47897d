import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { Checkpoints, MetricsLog, Progress, runTraining } from '../src/index.js';
import { readAdamPowers, writeAdamPowers } from '../src/train/adam-powers.js';
import { tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});
const bytes = (dir: string, step: number, f: string) => new Uint8Array(readFileSync(join(dir, 'checkpoints', `step-${String(step).padStart(8, '0')}`, f)));
/** Every metric but the timings, in order. */
const curve = (dir: string) =>
  new MetricsLog(join(dir, 'metrics.jsonl')).read().map((m) => {
    const { wallSeconds: _w, ...rest } = m as unknown as Record<string, unknown>;
    delete rest['samplesPerSec'];
    return rest;
  });

describe('a resumed run is bit-identical to an uninterrupted one (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  // Interrupted after step 3 (last checkpoint: step 2) and resumed. The step matters: at t = 2
  // tfjs's pow(0.999, 3) and the optimizer's 0.999·0.999·0.999 differ in float32; at t = 4 they
  // agree, which is why the older resume test never saw a difference. --log-every 3 puts the
  // checkpoint (step 2) inside a logged window (steps 1-3).
  const flags = ['--steps', '9', '--checkpoint-every', '2', '--log-every', '3', '--eval-every', '3'];

  it('same weights, Adam state and metrics, byte for byte', async () => {
    const straight = tmp('exact-straight');
    await runTraining({ config: tinyConfig(flags), runDir: straight, progress: quiet() });
    const resumed = tmp('exact-resumed');
    await runTraining({ config: tinyConfig(flags), runDir: resumed, progress: quiet(), stopAfter: 3 });
    await runTraining({ config: tinyConfig(flags), runDir: resumed, resume: true, progress: quiet() });
    for (const f of ['weights.bin', 'optimizer.bin']) expect(bytes(resumed, 9, f), f).toEqual(bytes(straight, 9, f));
    // optimizer.json also names the variables, which a loaded model numbers anew (`…_1/m`): compare the rest.
    const adam = (dir: string) => {
      const { specs, powers } = JSON.parse(new TextDecoder().decode(bytes(dir, 9, 'optimizer.json'))) as { specs: { shape: number[]; dtype: string }[]; powers: unknown };
      return { powers, specs: specs.map((s) => [s.shape, s.dtype]) };
    };
    expect(adam(resumed)).toEqual(adam(straight));
    expect(curve(resumed)).toEqual(curve(straight)); // train means (losses as float32 values, exactly), validation, test
    expect(curve(resumed).filter((m) => m['kind'] === 'train').map((m) => m['step'])).toEqual([3, 6, 9]);
  });

  it("restoring a checkpoint gives the optimizer the beta powers it had, not tfjs's recomputed ones", async () => {
    const dir = tmp('exact-powers');
    await runTraining({ config: tinyConfig(flags), runDir: dir, progress: quiet(), stopAfter: 2 });
    const saved = JSON.parse(readFileSync(join(dir, 'checkpoints', 'step-00000002', 'optimizer.json'), 'utf8')) as { powers: { beta1Power: number; beta2Power: number } };
    // What the live optimizer held after 2 steps: beta multiplied in float32 once per step.
    const f = Math.fround;
    expect(saved.powers).toEqual({ beta1Power: f(f(f(0.9) * f(0.9)) * f(0.9)), beta2Power: f(f(f(0.999) * f(0.999)) * f(0.999)) });
    const ck = await new Checkpoints(dir).load('step-00000002');
    const adam = tf.train.adam(0.003, 0.9, 0.999, 1e-8);
    await adam.setWeights(ck.optimizerWeights);
    expect((await readAdamPowers(adam)).beta2Power).not.toBe(saved.powers.beta2Power); // tfjs alone: pow(0.999, 3), rounded otherwise
    writeAdamPowers(adam, ck.adamPowers!);
    expect(await readAdamPowers(adam)).toEqual(saved.powers);
    adam.dispose();
    ck.model.dispose();
  });

  it('with dropout and drop-path on: the resumed run draws the masks the uninterrupted one does', async () => {
    // Each layer seeds its dropout from a count of its calls; a resumed process must continue that count.
    const noisy = [...flags, '--depth', '2', '--drop-path', '0.5', '--attn-opt', 'dropout=0.3'];
    const straight = tmp('exact-dropout-straight');
    await runTraining({ config: tinyConfig(noisy), runDir: straight, progress: quiet() });
    const resumed = tmp('exact-dropout-resumed');
    await runTraining({ config: tinyConfig(noisy), runDir: resumed, progress: quiet(), stopAfter: 3 });
    await runTraining({ config: tinyConfig(noisy), runDir: resumed, resume: true, progress: quiet() });
    for (const f of ['weights.bin', 'optimizer.bin']) expect(bytes(resumed, 9, f), f).toEqual(bytes(straight, 9, f));
    expect(curve(resumed)).toEqual(curve(straight));
  });
});
