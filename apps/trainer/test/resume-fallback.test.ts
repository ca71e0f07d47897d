import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { CheckpointError, evalRun, exportRun, main, MetricsLog, Progress, runTraining, type CliOutput, type TrainMetric } from '../src/index.js';
import { tinyConfig, tmp } from './helpers.js';

/** A quiet progress whose warnings (stderr) are kept. */
function capture(): { progress: Progress; warnings: string[] } {
  const warnings: string[] = [];
  return { progress: new Progress('quiet', () => {}, 10, process.stdout, (s) => warnings.push(s)), warnings };
}
const quiet = () => capture().progress;
const trainLosses = (dir: string) =>
  new MetricsLog(join(dir, 'metrics.jsonl')).read().filter((m): m is TrainMetric => m.kind === 'train').map((m) => [m.step, m.loss]);
const flipLastByte = (b: Buffer) => {
  b.writeUInt8(b.readUInt8(b.length - 1) ^ 0xff, b.length - 1);
  return b;
};
const ck = (dir: string, step: number, f = '') => join(dir, 'checkpoints', `step-${String(step).padStart(8, '0')}`, f);

/** Run `dir` for 7 steps of 8: checkpoints step-4 and step-6 remain (every 2, two kept). */
async function interrupted(name: string): Promise<string> {
  const dir = tmp(name);
  await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 7 });
  expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['step-00000004', 'step-00000006']);
  return dir;
}

describe('--resume falls back past a damaged newest checkpoint', () => {
  let straight: (number | undefined)[][];
  beforeAll(async () => {
    await useBackend('cpu');
    const dir = tmp('straight');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet() });
    straight = trainLosses(dir);
  });

  it.each([
    ['corrupt weights', 'weights.bin', flipLastByte, /weights\.bin is corrupt/],
    ['truncated weights', 'weights.bin', (b: Buffer) => b.subarray(0, 100), /weights\.bin has 100 bytes, the manifest says \d+/],
    ['truncated metadata', 'state.json', (b: Buffer) => b.subarray(0, 5), /state\.json has 5 bytes/],
    ['truncated manifest', 'manifest.json', (b: Buffer) => b.subarray(0, 20), /manifest\.json is not valid JSON/],
  ] as const)('%s: skips it, says so on stderr, resumes from the one before and ends as an uninterrupted run', async (_what, file, damage, reason) => {
    const dir = await interrupted(`fallback-${file}`);
    writeFileSync(ck(dir, 6, file), damage(readFileSync(ck(dir, 6, file))));
    const { progress, warnings } = capture();
    const s = await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress });
    expect(s!.steps).toBe(8);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^resume: skipping damaged checkpoint step-00000006: /);
    expect(warnings[0]).toMatch(reason);
    expect(warnings[0]).toMatch(/moved it to checkpoints\/damaged-step-00000006; resuming from step-00000004\n$/);
    expect(existsSync(join(dir, 'checkpoints', 'damaged-step-00000006'))).toBe(true); // kept to look at, not resumed from
    expect(readdirSync(join(dir, 'checkpoints')).filter((f) => f.startsWith('step-')).sort()).toEqual(['step-00000006', 'step-00000008']);
    expect(trainLosses(dir)).toEqual(straight);
  });

  it('with every checkpoint damaged, refuses with an error naming each and its file, and moves nothing', async () => {
    const dir = await interrupted('all-damaged');
    writeFileSync(ck(dir, 6, 'weights.bin'), readFileSync(ck(dir, 6, 'weights.bin')).subarray(0, 64));
    rmSync(ck(dir, 4, 'optimizer.bin'));
    const run = runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() });
    await expect(run).rejects.toThrow(CheckpointError);
    const message = await run.catch((e: Error) => e.message);
    expect(message).toContain('no usable checkpoint to resume from (2 in');
    expect(message).toContain(`${ck(dir, 6)}: weights.bin has 64 bytes`);
    expect(message).toContain(`${ck(dir, 4)}: optimizer.bin is missing`);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['step-00000004', 'step-00000006']);
  });

  it('a run stopped before its first checkpoint is started over by --resume, with a message', async () => {
    const dir = tmp('no-checkpoint');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 1 }); // checkpoint every 2: none yet
    expect(existsSync(join(dir, 'checkpoints'))).toBe(false);
    expect(trainLosses(dir)).toHaveLength(1);
    const { progress, warnings } = capture();
    const s = await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress });
    expect(s!.steps).toBe(8);
    expect(warnings.join('')).toMatch(/^resume: .* has no checkpoint yet \(the run stopped before its first one\); starting it over from step 0\n$/);
    expect(trainLosses(dir)).toEqual(straight); // the step logged before is not doubled
  });
});

describe('eval, export and generate use the newest checkpoint that loads (issue 17)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('eval and export skip a damaged newest checkpoint, say which and why, use the one before and move nothing', async () => {
    const dir = await interrupted('read-fallback');
    writeFileSync(ck(dir, 6, 'weights.bin'), flipLastByte(readFileSync(ck(dir, 6, 'weights.bin'))));
    const warnings: string[] = [];
    const r = await evalRun(dir, 'test', (l) => warnings.push(l));
    expect(r.checkpoint).toBe('step-00000004');
    expect(r.step).toBe(4);
    expect(warnings).toEqual([`eval: skipping damaged checkpoint step-00000006: checkpoint ${ck(dir, 6)}: weights.bin is corrupt (SHA-256 differs from the manifest); using step-00000004 (step 4) instead`]);
    const meta = await exportRun(dir, join(dir, 'export'), (l) => warnings.push(l));
    expect(meta.source).toMatchObject({ checkpoint: 'step-00000004', step: 4 });
    expect(warnings[1]).toMatch(/^export: skipping damaged checkpoint step-00000006: .*weights\.bin is corrupt.*; using step-00000004 \(step 4\) instead$/);
    // These commands only read the run: the damaged one stays where it is, for --resume to set aside.
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['step-00000004', 'step-00000006']);
  });

  it('the CLI prints the skip on stderr (a warning event in --json) and the result names the checkpoint used', async () => {
    const dir = await interrupted('read-fallback-cli');
    rmSync(ck(dir, 6, 'state.json'));
    const err: string[] = [];
    const out: string[] = [];
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const logSpy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      expect(await main(['eval', dir, '--backend', 'cpu', '--quiet'])).toBe(0);
    } finally {
      errSpy.mockRestore();
      logSpy.mockRestore();
      outSpy.mockRestore();
    }
    expect(err.join('')).toMatch(/^eval: skipping damaged checkpoint step-00000006: .*state\.json is missing; using step-00000004 \(step 4\) instead\n$/);
    expect(out.join('')).toContain(`${dir} step-00000004`);
  });

  it('with every checkpoint damaged, eval and export refuse with an error naming each', async () => {
    const dir = await interrupted('read-all-damaged');
    writeFileSync(ck(dir, 6, 'weights.bin'), readFileSync(ck(dir, 6, 'weights.bin')).subarray(0, 64));
    rmSync(ck(dir, 4, 'optimizer.bin'));
    for (const run of [evalRun(dir, 'test', () => {}), exportRun(dir, join(dir, 'export'), () => {})]) {
      const message = await run.then(() => '', (e: Error) => e.message);
      expect(message).toMatch(/no usable checkpoint to (evaluate|export) \(2 in/);
      expect(message).toContain(`${ck(dir, 6)}: weights.bin has 64 bytes`);
      expect(message).toContain(`${ck(dir, 4)}: optimizer.bin is missing`);
    }
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['step-00000004', 'step-00000006']);
  });

  it('generate falls back the same way, the skip on its stderr lines', async () => {
    const dir = tmp('generate-fallback');
    const notes: string[] = [];
    const output: CliOutput = { write: () => {}, note: (l) => void notes.push(l) };
    const train = ['--task', 'char-lm', '--attention', 'linear-elu', '--dim', '16', '--depth', '1', '--heads', '2', '--batch', '16', '--steps', '4', '--warmup', '1',
      '--train-limit', '96', '--val-limit', '16', '--test-limit', '16', '--eval-every', '4', '--checkpoint-every', '2', '--backend', 'cpu', '--run', dir, '--quiet'];
    expect(await main(train, output)).toBe(0);
    writeFileSync(ck(dir, 4, 'model.json'), readFileSync(ck(dir, 4, 'model.json')).subarray(0, 10));
    notes.length = 0;
    expect(await main(['generate', '--run', dir, '--prompt', 'a', '--max-new-tokens', '3', '--seed', '1', '--backend', 'cpu'], output)).toBe(0);
    expect(notes[0]).toMatch(/^generate: skipping damaged checkpoint step-00000004: .*model\.json has 10 bytes.*; using step-00000002 \(step 2\) instead$/);
    expect(notes[1]).toContain('step-00000002 (step 2)');
  }, 120_000);
});
