// The WebGPU probe, for real on this machine: quiet (the Vulkan loader's "Found no drivers"
// warning stays in the probe's child process) and, for timing work, a software adapter is
// passed over. Which adapter this machine has decides what is expected, never whether it runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatChoice, probeBackends, releaseBackend, selectBackend } from '@attention-zoo/backends';

const here = fileURLToPath(new URL('..', import.meta.url));

describe('the webgpu probe', () => {
  it('prints nothing of its own: the report is the one table', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@attention-zoo/source', 'src/cli.ts'], {
      cwd: here,
      encoding: 'utf8',
      env: { ...process.env, XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? '/tmp' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/vkCreateInstance|VK_ERROR/);
    expect(r.stdout).not.toMatch(/vkCreateInstance|VK_ERROR/);
    expect(r.stdout).toMatch(/^ {2}webgpu +(yes|no) +\S/m);
  }, 120_000);

  it('passes over a software adapter for timing work and says so; a hardware one is taken', async () => {
    const [webgpu] = await probeBackends({ order: ['webgpu'] });
    releaseBackend();
    const choice = await selectBackend({ order: ['webgpu', 'wasm', 'cpu'], skipSoftwareWebgpu: true });
    const probe = choice.probes[0]!;
    if (webgpu!.available && webgpu!.software) {
      expect(choice.name).toBe('wasm');
      expect(probe).toMatchObject({ name: 'webgpu', available: false, software: true, skipped: true });
      expect(probe.detail).toMatch(/^skipped for timing: Dawn adapter: .*software rasteriser/);
      expect(formatChoice(choice).split('\n')[0]).toMatch(/^backend: wasm .* skipping webgpu: a software adapter \(SwiftShader, on the CPU\)/);
    } else if (webgpu!.available) {
      expect(choice.name).toBe('webgpu');
      expect(probe.skipped).toBeUndefined();
    } else {
      expect(choice.name).toBe('wasm');
      expect(probe.skipped).toBeUndefined();
    }
    releaseBackend();
  }, 120_000);
});
