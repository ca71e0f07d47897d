import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { listAttentions } from '@attention-zoo/attention-core';
import { main, parseArgs, Progress, runTraining, TASKS, UsageError } from '../src/index.js';
import { helpText } from '../src/commands/help.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('pnpm train (CLI)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('--help lists the tasks, every registered attention and every backend, without starting one', () => {
    const text = helpText();
    for (const t of TASKS) expect(text).toMatch(new RegExp(`^  ${t.name}\\s+\\S`, 'm'));
    for (const a of listAttentions()) expect(text).toMatch(new RegExp(`^  ${a.name}\\s+${a.family}`, 'm'));
    expect(text).toMatch(/^ {2}tensorflow-gpu\s+libtensorflow with CUDA/m);
    expect(text).toMatch(/^ {2}cpu\s+plain JavaScript$/m);
    expect(text).toContain('pnpm --filter @attention-zoo/backends report');
    for (const c of ['eval <run>', 'compare', 'export <run>', 'listops-eval <file.tsv>']) expect(text).toContain(c);
  });

  it('rejects bad arguments with usage errors (exit 2)', async () => {
    await expect(main(['--frobnicate'])).rejects.toThrow(/unknown option '--frobnicate'/);
    await expect(main(['--steps', 'ten'])).rejects.toThrow(/--steps must be a positive integer, got 'ten'/);
    await expect(main(['--attention', 'nope', '--backend', 'cpu'])).rejects.toThrow(/unknown attention 'nope'; registered: .*softmax/);
    await expect(main(['--attention', 'nope', '--backend', 'cpu'])).rejects.toThrow(UsageError);
  });

  it('says "did you mean" for misspelt commands, flags and values, and refuses flags a command does not take', async () => {
    const usage = (argv: string[]) => expect(() => parseArgs(argv)).toThrow(UsageError);
    usage(['evl', 'runs/x']);
    expect(() => parseArgs(['evl', 'runs/x'])).toThrow(/unknown command 'evl'\n\(Did you mean eval\?\)/);
    expect(() => parseArgs(['--stpes', '3'])).toThrow(/unknown option '--stpes'\n\(Did you mean --steps\?\)/);
    expect(() => parseArgs(['--task', 'mnst'])).toThrow(`'mnst' is not one of ${TASKS.map((t) => t.name).join(', ')}; did you mean 'mnist'?`);
    expect(() => parseArgs(['--backend', 'wsam'])).toThrow(/did you mean 'wasm'\?/);
    expect(() => parseArgs(['eval', 'runs/x', '--split', 'tset'])).toThrow(/did you mean 'test'\?/);
    expect(() => parseArgs(['eval', 'runs/x', '--steps', '3'])).toThrow(/unknown option '--steps'/);
    expect(() => parseArgs(['--steps', '3', '--steps', '4'])).toThrow(/--steps given twice/);
    await expect(main(['--attention', 'sofmax', '--backend', 'cpu'])).rejects.toThrow(/unknown attention 'sofmax'; did you mean 'softmax'\?/);
    // Typed: numbers arrive as numbers, repeatable flags as lists, switches as true.
    expect(parseArgs(['--steps', '3', '--lr', '1e-3', '--attn-opt', 'a=1', '--attn-opt', 'b=2', '--quiet'])).toEqual({
      command: 'train', positionals: [], options: { '--steps': 3, '--lr': 0.001, '--attn-opt': ['a=1', 'b=2'], '--quiet': true },
    });
    expect(parseArgs(['export', 'runs/x', '--out', 'o'])).toMatchObject({ command: 'export', positionals: ['runs/x'], options: { '--out': 'o' } });
  });

  it('each command has its own --help', () => {
    const evalHelp = parseArgs(['eval', '--help']);
    expect(evalHelp.command).toBe('help');
    expect(evalHelp.help!.text).toMatch(/^Usage: pnpm train eval \[options\] <run>/);
    expect(evalHelp.help!.text).toContain('--split <value>');
    expect(evalHelp.help!.text).not.toContain('--steps');
    expect(parseArgs(['compare', '-h']).help!.text).toContain('--steps <n>');
    expect(parseArgs(['--help']).help!.command).toBe('train');
    expect(parseArgs(['help']).help!.command).toBe('train');
  });

  it('refuses a causal task with a variant that has no causal form', async () => {
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
