import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatResult, handlerFor, runFixtures, SHARED_FIXTURES } from '@attention-zoo/fixture-runner';
import { listFixtureHandlers } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends, useBackend } from '@attention-zoo/test-utils';

const shared = SHARED_FIXTURES;
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A temp folder holding copies of the named cases. */
function folderWith(...cases: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
  for (const c of cases) for (const ext of ['.json', '.safetensors']) copyFileSync(join(shared, c + ext), join(dir, c + ext));
  return dir;
}

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('the shared fixtures', backend, () => {
    it('pass for every case the project implements; every other case is not-implemented', async () => {
      const s = await runFixtures(shared);
      expect(s.failed, s.results.filter((r) => r.outcome === 'fail').map(formatResult).join('\n')).toBe(0);
      for (const r of s.results) {
        const variant = (JSON.parse(readFileSync(join(shared, `${r.name}.json`), 'utf8')) as { variant: string }).variant;
        expect(r.outcome, r.name).toBe(handlerFor(variant) ? 'pass' : 'not-implemented');
        if (r.outcome === 'pass') expect(r.maxAbsErr).not.toBeNull();
      }
      const passed = s.results.filter((r) => r.outcome === 'pass').map((r) => r.name);
      // The foundation's own cases, at float32 accuracy.
      for (const name of ['linear_elu', 'linear_elu_causal', 'softmax_attention', 'softmax_attention_causal', 'softmax_attention_padmask']) {
        expect(passed).toContain(name);
        expect(s.results.find((r) => r.name === name)!.maxAbsErr).toBeLessThan(1e-5);
      }
      expect(s.passed + s.skipped).toBe(s.results.length);
    }, 300_000); // whole-model cases (vision-backbones) compile many webgpu programs: SwiftShader needs minutes
  });
}

describe('fixture runner', () => {
  beforeAll(() => useBackend('cpu'));

  it('reaches every handler the packages registered (core\'s table, filled by loading every published package)', () => {
    const registered = listFixtureHandlers();
    expect(registered.map((h) => h.owner)).toContain('softmax');
    for (const h of registered) for (const v of h.variants) expect(handlerFor(v)?.owner, v).toBe(h.owner);
  });

  it('fails a case whose reference output was altered, naming the worst element', async () => {
    const dir = folderWith('softmax_attention');
    const path = join(dir, 'softmax_attention.safetensors');
    const bytes = readFileSync(path);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString()) as Record<string, { data_offsets: [number, number] }>;
    const at = 8 + headerLen + header['output']!.data_offsets[0] + 4 * 37;
    bytes.writeFloatLE(bytes.readFloatLE(at) + 0.01, at);
    writeFileSync(path, bytes);
    const [r] = (await runFixtures(dir)).results;
    expect(r).toMatchObject({ outcome: 'fail' });
    expect(r!.maxAbsErr).toBeCloseTo(0.01, 4);
    expect(r!.detail).toMatch(/^worst at \[0, 0, 4, 5\]/);
    expect(formatResult(r!)).toMatch(/^fail\s+softmax_attention\s+max_abs_err 1\.00e-2/);
  });

  it('fails a truncated safetensors file and a JSON whose shapes disagree, without crashing', async () => {
    const dir = folderWith('linear_elu', 'softmax_attention_causal');
    const st = join(dir, 'linear_elu.safetensors');
    writeFileSync(st, readFileSync(st).subarray(0, 1000));
    const json = join(dir, 'softmax_attention_causal.json');
    const meta = JSON.parse(readFileSync(json, 'utf8'));
    meta.tensors.q = [2, 2, 16, 9];
    writeFileSync(json, JSON.stringify(meta));
    const s = await runFixtures(dir);
    expect(s.results.map((r) => r.outcome)).toEqual(['fail', 'fail']);
    expect(s.results[0]!.detail).toMatch(/cannot load: .*not a valid safetensors file: .*truncated file/);
    expect(s.results[1]!.detail).toMatch(/tensor 'q' is \[2,2,16,8\] in the file but \[2,2,16,9\] in the JSON/);
  });

  it('the CLI prints one line per case and a summary, and exits 1 on a failure, 2 on bad usage', () => {
    const cli = (...args: string[]) =>
      spawnSync('pnpm', ['--silent', 'fixtures', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, INIT_CWD: root } });
    const dir = folderWith('softmax_attention');
    // A case of a variant no package implements: reported, not passed.
    const meta = JSON.parse(readFileSync(join(dir, 'softmax_attention.json'), 'utf8'));
    writeFileSync(join(dir, 'a_future_variant.json'), JSON.stringify({ ...meta, name: 'a_future_variant', variant: 'a_future_variant' }));
    copyFileSync(join(dir, 'softmax_attention.safetensors'), join(dir, 'a_future_variant.safetensors'));
    const ok = cli(dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^not-implemented\s+a_future_variant\s+max_abs_err -/),
      expect.stringMatching(/^pass\s+softmax_attention\s+max_abs_err \d/),
      '1 passed, 0 failed, 1 skipped',
    ]);
    const bad = folderWith('softmax_attention');
    writeFileSync(join(bad, 'softmax_attention.safetensors'), Buffer.from('garbage'));
    expect(cli(bad).status).toBe(1);
    expect(cli().status).toBe(2);
    expect(cli('/no/such/folder').stderr).toMatch(/is not a folder/);
    expect(cli(shared, '--backend', 'tpu').stderr).toMatch(/unknown backend 'tpu'/);
  });
});
