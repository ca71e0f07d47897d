// What the run reports say about memory and backends: each tensor buffer counted once,
// a per-run RSS peak, and compare's backend block printed once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { compare, Progress, runTraining } from '../src/index.js';
import { measurePeakBytes } from '../src/train/peak-memory.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});

describe('run reports', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('peak tensor memory counts a buffer once, not once per reshape or identity (clone) view (tf.profile does)', async () => {
    const work = () =>
      tf.tidy(() => {
        const a = tf.fill([1000], 1); // 4,000 bytes
        const views = [tf.reshape(a, [10, 100]), tf.reshape(a, [100, 10]), tf.clone(a), tf.reshape(a, [1000, 1])];
        return tf.sum(views[3]!); // 4 bytes kept
      });
    const profiled = await tf.profile(work);
    const profiledHeld = tf.memory().numBytes;
    const measured = await measurePeakBytes(work);
    tf.dispose([profiled.result as tf.Tensor, measured.result]);
    expect(profiled.peakBytes - profiledHeld).toBeGreaterThanOrEqual(5 * 4000); // the views counted again: the bug
    expect(measured.peakBytes - measured.heldBytes).toBeGreaterThanOrEqual(4000);
    expect(measured.peakBytes - measured.heldBytes).toBeLessThan(2 * 4000);
  });

  it("a run's peak RSS is its own, not the process's lifetime peak", async () => {
    // A worker makes the process's lifetime peak ~400 MB higher, then exits and gives the memory back.
    await new Promise<void>((done, fail) => {
      const w = new Worker('const b = Buffer.alloc(400 * 2 ** 20, 1); require("worker_threads").parentPort.postMessage(b[b.length - 1]);', { eval: true });
      w.on('error', fail);
      w.on('exit', () => done());
    });
    const lifetime = process.resourceUsage().maxRSS * 1024;
    const s = (await runTraining({ config: tinyConfig(['--steps', '2']), runDir: tmp('rss'), progress: quiet() }))!;
    expect(s.peakRssBytes).toBeGreaterThan(0);
    expect(s.peakRssBytes).toBeLessThan(lifetime - 200 * 2 ** 20);
  });

  it('compare prints the backend block once, and every run report keeps it', async () => {
    const lines: string[] = [];
    const out = tmp('compare-header');
    const header = ['backend: cpu (plain JavaScript) — test', '  cpu  yes  plain JavaScript'];
    await compare({ config: tinyConfig(['--steps', '2']), attentions: ['softmax', registerMeanValues()], outDir: out, progress: new Progress('lines', (s) => lines.push(s)), header });
    expect(lines.join('').split(header[0]!).length - 1).toBe(1);
    for (const a of ['softmax', registerMeanValues()]) expect(readFileSync(join(out, a, 'report.md'), 'utf8')).toContain(header.join('\n'));
  });
});
