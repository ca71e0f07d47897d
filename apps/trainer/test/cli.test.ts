import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { listAttentions } from '@attention-zoo/attention-core';
import { main, Progress, runTraining, TASKS } from '../src/index.js';
import { helpText } from '../src/commands/help.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('pnpm train (CLI)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('--help lists the tasks, every registered attention and every backend with whether it is available', async () => {
    const text = await helpText([
      { name: 'tensorflow-gpu', available: false, detail: 'not installed' },
      { name: 'tensorflow', available: false, detail: 'not installed' },
      { name: 'webgpu', available: true, detail: 'Dawn adapter' },
      { name: 'wasm', available: true, detail: 'WebAssembly' },
      { name: 'cpu', available: true, detail: 'plain JavaScript' },
    ]);
    for (const t of TASKS) expect(text).toMatch(new RegExp(`^  ${t.name}\\s+\\S`, 'm'));
    for (const a of listAttentions()) expect(text).toMatch(new RegExp(`^  ${a.name}\\s+${a.family}`, 'm'));
    expect(text).toMatch(/^ {2}tensorflow-gpu\s+no\s+not installed$/m);
    expect(text).toMatch(/^ {2}cpu\s+yes\s+plain JavaScript$/m);
    for (const c of ['eval <run>', 'compare', 'export <run>', 'listops-eval <file.tsv>']) expect(text).toContain(c);
  });

  it('rejects bad arguments and a causal task with a variant that has no causal form', async () => {
    await expect(main(['--frobnicate'])).rejects.toThrow(/unknown option '--frobnicate'/);
    await expect(main(['--steps', 'ten'])).rejects.toThrow(/--steps must be a positive integer, got 'ten'/);
    await expect(main(['--attention', 'nope', '--backend', 'cpu'])).rejects.toThrow(/unknown attention 'nope'; registered: .*softmax/);
    const recall = (attention: string) => tinyConfig(['--task', 'recall', '--pairs', '3', '--steps', '2'], attention);
    const s = await runTraining({ config: recall('softmax'), runDir: tmp('recall'), progress: new Progress('quiet', () => {}) });
    expect(s!.test.n).toBe(32);
    const nonCausal = registerMeanValues();
    await expect(runTraining({ config: recall(nonCausal), runDir: tmp('recall2'), progress: new Progress('quiet', () => {}) })).rejects.toThrow(
      `attention '${nonCausal}' has no causal form, and this task is causal`,
    );
  });

  it('a run killed with kill -9 at any moment resumes from its last complete checkpoint', async () => {
    const dir = tmp('kill');
    const args = ['--task', 'listops', '--examples', '96,32,32', '--min-length', '4', '--max-length', '24', '--dim', '16', '--depth', '1', '--heads', '2',
      '--batch', '16', '--steps', '400', '--checkpoint-every', '1', '--eval-every', '1000', '--backend', 'cpu', '--attention', 'softmax', '--run', dir, '--quiet'];
    const child = spawn(process.execPath, ['--conditions=@attention-zoo/source', '--import', 'tsx', 'apps/trainer/src/cli.ts', ...args], { cwd: root, stdio: 'ignore' });
    const ck = join(dir, 'checkpoints');
    const t0 = Date.now();
    // Kill it while it is writing checkpoints every step: soon after the third appears.
    while (!(existsSync(ck) && readdirSync(ck).filter((f) => f.startsWith('step-')).length >= 2) && Date.now() - t0 < 45_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 37));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(ck).filter((f) => f.startsWith('step-')).length).toBeGreaterThanOrEqual(1);
    const resumed = await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: new Progress('quiet', () => {}), stopAfter: 3 });
    expect(resumed).toBeUndefined(); // stopped on purpose after 3 more steps
    const steps = readdirSync(ck).filter((f) => f.startsWith('step-')).map((f) => Number(f.slice(5)));
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(5);
    expect(readdirSync(ck).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 90_000);
});
