import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The CLI as a user runs it. VK_LOADER_DEBUG=all makes the Vulkan loader print to stderr
 * whenever this process creates a Dawn/Vulkan instance: the same place a real driver's
 * warnings go, so any WebGPU probe in the process shows as stderr text.
 */
function cli(args: string[]) {
  const env = { ...process.env, XDG_RUNTIME_DIR: '/tmp', VK_LOADER_DEBUG: 'all', ...(existsSync(SWIFTSHADER) && { VK_ICD_FILENAMES: SWIFTSHADER }) };
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--conditions=@attention-zoo/source', '--import', 'tsx', 'apps/trainer/src/cli.ts', ...args], {
    cwd: root, env, encoding: 'utf8', timeout: 30_000,
  });
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

const NOISE = /Dawn|WebGPU|Vulkan|Hi, looks like you are running TensorFlow\.js/i;

describe('commands that do not train start no backend (issue 22)', () => {
  it.each(['--help', 'eval --help', 'compare --help', 'export -h', 'generate --help'])('pnpm train %s: only the help, on stdout, exit 0', (line) => {
    const r = cli(line.split(' '));
    expect(r.signal).toBeNull(); // exited on its own, not killed by the timeout (a live Dawn device keeps Node running)
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pnpm train|^usage: pnpm train/m);
    expect(r.stdout).not.toMatch(/Dawn adapter|no WebGPU adapter/); // no probe result: nothing was probed
  }, 40_000);

  it('--help still names every backend and says how to see which work on this machine', () => {
    const r = cli(['--help']);
    for (const b of ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']) expect(r.stdout).toMatch(new RegExp(`^ {2}${b} `, 'm'));
    expect(r.stdout).toContain('pnpm --filter @attention-zoo/backends report');
  }, 40_000);

  it('a usage error prints one line and the exit code 2, no backend noise', () => {
    const r = cli(['--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^train: unknown option '--frobnicate'/);
    expect(r.stderr).not.toMatch(NOISE);
  }, 40_000);
});
