import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { CheckpointError, MetricsLog, Progress, runTraining, type TrainMetric } from '../src/index.js';
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
