import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { lockRunFolder, Progress, runTraining, RunLockedError } from '../src/index.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

const quiet = () => new Progress('quiet', () => {});
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();

describe('one writer per run folder', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('a second trainer and a --resume are refused while the first holds the folder, and both work after', async () => {
    const dir = tmp('lock');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    expect(existsSync(join(dir, '.lock'))).toBe(false); // released when the run stopped
    const release = lockRunFolder(dir); // "the first trainer" is still writing
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(RunLockedError);
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(
      new RegExp(`is being written by another trainer \\(pid ${process.pid} on `),
    );
    const fresh = tmp('lock-new');
    mkdirSync(fresh, { recursive: true });
    const releaseFresh = lockRunFolder(fresh);
    await expect(runTraining({ config: tinyConfig(), runDir: fresh, progress: quiet() })).rejects.toThrow(RunLockedError);
    expect(existsSync(join(fresh, 'config.json'))).toBe(false); // nothing written by the refused one
    releaseFresh();
    release();
    const s = await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() });
    expect(s!.steps).toBe(8);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it("a killed trainer's stale lock (its process gone), or a half-written one, does not block", async () => {
    const dir = tmp('stale');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: Number(deadPid()), host: hostname(), since: '2026-01-01T00:00:00Z' }));
    await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet(), stopAfter: 1 });
    writeFileSync(join(dir, '.lock'), '{"pid": 12'); // cut off mid-write
    const s = await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() });
    expect(s!.steps).toBe(8);
  });
});

describe('resume checks the checkpoint against the run', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("refuses a checkpoint of another attention or other sizes, naming what differs", async () => {
    const mine = tmp('own');
    await runTraining({ config: tinyConfig(), runDir: mine, progress: quiet(), stopAfter: 2 });
    const other = tmp('foreign');
    await runTraining({ config: tinyConfig(['--heads', '1'], registerMeanValues()), runDir: other, progress: quiet(), stopAfter: 3 });
    // The other run's newer checkpoint lands in this run's folder.
    const theirs = readdirSync(join(other, 'checkpoints')).filter((f) => f.startsWith('step-')).sort().at(-1)!;
    cpSync(join(other, 'checkpoints', theirs), join(mine, 'checkpoints', 'step-00000007'), { recursive: true });
    const resumed = runTraining({ config: tinyConfig(), runDir: mine, resume: true, progress: quiet() });
    await expect(resumed).rejects.toThrow(/checkpoint step-00000007 is not of this run's config\.json: numHeads 1 \(the run: 2\); attention TrainerTest>TestMeanValues \(the run: softmax/);
    rmSync(join(mine, 'checkpoints', 'step-00000007'), { recursive: true });
    expect((await runTraining({ config: tinyConfig(), runDir: mine, resume: true, progress: quiet() }))!.steps).toBe(8);
  });
});
