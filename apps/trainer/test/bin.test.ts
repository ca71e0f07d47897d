import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmp } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/attention-zoo-train.js', import.meta.url));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const children = (pid: number) => execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);

describe('the attention-zoo-train bin', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('forwards %s to the trainer and exits with it (no orphan keeps writing)', async (signal) => {
    const dir = tmp(`bin-${signal}`);
    const args = ['--task', 'listops', '--examples', '96,32,32', '--min-length', '4', '--max-length', '24', '--dim', '16', '--depth', '1', '--heads', '2',
      '--batch', '16', '--steps', '4000', '--checkpoint-every', '1', '--eval-every', '100000', '--backend', 'cpu', '--attention', 'softmax', '--run', dir, '--quiet'];
    const wrapper = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const ck = join(dir, 'checkpoints');
    const t0 = Date.now();
    while (!(existsSync(ck) && readdirSync(ck).some((f) => f.startsWith('step-'))) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    const [trainer] = children(wrapper.pid!);
    expect(trainer).toBeGreaterThan(0);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => wrapper.once('exit', (code, sig) => r({ code, signal: sig })));
    wrapper.kill(signal);
    const how = await exited;
    expect(how.signal ?? how.code).toBeTruthy(); // it did not report success
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(trainer!)).toBe(false);
  }, 90_000);
});
