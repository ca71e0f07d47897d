import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import {
  CheckpointError, compare, evalRun, exportRun, loadModelFolder, MetricsLog, Progress, readRunConfig, runTraining, type TrainConfig, type TrainMetric,
} from '../src/index.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});
const trainLosses = (dir: string) =>
  new MetricsLog(join(dir, 'metrics.jsonl')).read().filter((m): m is TrainMetric => m.kind === 'train').map((m) => [m.step, m.loss, m.accuracy]);

describe('training runs (cpu, tiny ListOps config)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('trains: the loss goes down, and the run folder has config, metrics, checkpoints, report and plots', async () => {
    const dir = tmp('basic');
    const s = (await runTraining({ config: tinyConfig(['--steps', '24', '--eval-every', '12', '--checkpoint-every', '12']), runDir: dir, progress: quiet() }))!;
    const losses = trainLosses(dir).map((l) => l[1]!);
    expect(losses).toHaveLength(24);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-6))).toBeLessThan(mean(losses.slice(0, 6)) - 0.2);
    expect(s.test.n).toBe(32);
    expect(s.parameters).toBeGreaterThan(1000);
    expect(s.peakTensorBytes).toBeGreaterThan(0);
    for (const f of ['config.json', 'task.json', 'metrics.jsonl', 'summary.json', 'report.md', 'loss.svg', 'accuracy.svg', 'loss-wall.svg', 'accuracy-wall.svg']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['step-00000012', 'step-00000024']);
    expect(readFileSync(join(dir, 'checkpoints/step-00000024/model.json'), 'utf8')).toContain('"format":"layers-model"');
    expect(readFileSync(join(dir, 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*class="mark-line role-mark[\s\S]*<\/svg>\n$/);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/\| test accuracy \| \d+\.\d\d% \(32 examples\) \|/);
  });

  it('is deterministic on cpu, and a resumed run continues from its checkpoint to the same metrics', async () => {
    const a = tmp('a');
    const b = tmp('b');
    const full = (await runTraining({ config: tinyConfig(), runDir: a, progress: quiet() }))!;
    // Interrupt after 5 steps (last checkpoint: step 4), then resume.
    expect(await runTraining({ config: tinyConfig(), runDir: b, progress: quiet(), stopAfter: 5 })).toBeUndefined();
    expect(readdirSync(join(b, 'checkpoints')).sort()).toEqual(['step-00000002', 'step-00000004']);
    const resumed = (await runTraining({ config: tinyConfig(), runDir: b, resume: true, progress: quiet() }))!;
    expect(trainLosses(b)).toEqual(trainLosses(a));
    expect(resumed.test).toEqual(full.test);
    // Same seed, fresh run: same numbers again.
    const c = tmp('c');
    await runTraining({ config: tinyConfig(), runDir: c, progress: quiet() });
    expect(trainLosses(c)).toEqual(trainLosses(a));
  });

  it('reads and resumes a run folder whose config.json says model.heads (before numHeads)', async () => {
    const dir = tmp('legacy');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 3 });
    const path = join(dir, 'config.json');
    const written = JSON.parse(readFileSync(path, 'utf8')) as TrainConfig;
    const { numHeads, ...model } = written.model;
    writeFileSync(path, JSON.stringify({ ...written, model: { ...model, heads: numHeads } }));
    expect(readRunConfig(dir).model).toEqual(tinyConfig().model);
    expect(readRunConfig(dir).model).not.toHaveProperty('heads');
    const s = (await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() }))!;
    expect(s.steps).toBe(8);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('depth 1, 2 heads');
    expect(report).toContain('"numHeads": 2');
    expect((await evalRun(dir, 'test')).n).toBe(32);
  });

  it('resume ignores a checkpoint write that was cut off, and refuses when every kept checkpoint is corrupted, with a clear error', async () => {
    const dir = tmp('crash');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 3 });
    // What kill -9 in the middle of writing step 4 leaves: a temporary folder with some files.
    const partial = join(dir, 'checkpoints', '.tmp-step-00000004-99999');
    mkdirSync(partial);
    writeFileSync(join(partial, 'weights.bin'), new Uint8Array(10));
    writeFileSync(join(dir, 'metrics.jsonl'), `${readFileSync(join(dir, 'metrics.jsonl'), 'utf8')}{"kind":"train","st`);
    const s = (await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() }))!;
    expect(s.steps).toBe(8);
    expect(existsSync(partial)).toBe(false);
    expect(trainLosses(dir).map((l) => l[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Both kept checkpoints damaged (one alone is skipped: resume-fallback.test.ts): a clear CheckpointError.
    const w = join(dir, 'checkpoints', 'step-00000008', 'weights.bin');
    const bytes = readFileSync(w);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(w, bytes);
    const w6 = join(dir, 'checkpoints', 'step-00000006', 'weights.bin');
    writeFileSync(w6, readFileSync(w6).subarray(0, 100));
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(CheckpointError);
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(/step-00000008: weights\.bin is corrupt/);
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(/step-00000006: weights\.bin has 100 bytes, the manifest says \d+/);
  });

  it('compare trains every attention under the same seed and budget and writes the table and plots', async () => {
    const second = registerMeanValues();
    const out = tmp('compare');
    const rows = await compare({ config: tinyConfig(['--steps', '4']), attentions: ['softmax', second], outDir: out, progress: quiet() });
    expect(rows.map((r) => [r.attention, r.ok])).toEqual([['softmax', true], [second, true]]);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(md).toMatch(/\| attention \| test accuracy \| test loss \| train loss \| samples\/s \| peak tensor memory \| peak RSS \| parameters \|/);
    expect(md).toMatch(/\| softmax \| \d+\.\d\d% \| \d\.\d{4} \|/);
    expect(md).toMatch(new RegExp(`\\| ${second} \\| \\d+\\.\\d\\d% \\|`));
    // The mean-of-values variant has no q/k projections' effect on the output, but the same parameter count (q, k, v, out).
    expect(rows[0]!.summary!.parameters).toBe(rows[1]!.summary!.parameters);
    expect(rows[0]!.summary!.trainLoss).not.toBe(rows[1]!.summary!.trainLoss);
    for (const f of ['loss.svg', 'accuracy.svg', 'loss-wall.svg', 'compare.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8').match(/class="mark-line role-mark/g)).toHaveLength(2); // a line per attention
    await expect(compare({ config: tinyConfig(), attentions: ['softmax', 'no-such-attention'], outDir: tmp('bad'), progress: quiet() })).rejects.toThrow(
      /unknown attention 'no-such-attention'; registered: .*softmax/,
    );
  });

  it('export writes model.json + weights.bin + metadata.json that load back to the same predictions', async () => {
    const dir = tmp('export');
    await runTraining({ config: tinyConfig(['--steps', '2']), runDir: dir, progress: quiet() });
    const out = join(dir, 'export');
    const meta = await exportRun(dir, out);
    expect(meta).toMatchObject({
      format: 'attention-zoo-model', version: 1, task: 'listops', attention: 'softmax', inputShape: [24], inputDtype: 'int32',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], causal: false, source: { step: 2 },
    });
    expect(meta.vocabulary).toHaveLength(17);
    expect(meta.customLayers).toEqual(expect.arrayContaining(['AttentionZoo>PositionEmbedding', 'AttentionZoo>TokenEmbedding', 'AttentionZoo>TransformerEncoder']));
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(meta)));
    const exported = await loadModelFolder(out);
    const fromCheckpoint = await loadModelFolder(join(dir, 'checkpoints', 'step-00000002'));
    const x = tf.tensor2d([[1, 3, 8, 9, 6, ...new Array(19).fill(0)]], [1, 24], 'int32');
    expect(Array.from(await (exported.predict(x) as tf.Tensor).data())).toEqual(Array.from(await (fromCheckpoint.predict(x) as tf.Tensor).data()));
  });
});
