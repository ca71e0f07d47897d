import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { evalRun, exportRun, main, Progress, readRunConfig, RunFileError, RunFolderError, runTraining } from '../src/index.js';
import { tinyConfig, tmp } from './helpers.js';

/**
 * A fake file system fault: while `fault.code` is set, the fs calls below throw Node's errno
 * error for paths that `fault.hits` accepts (a full disk or a read-only folder, which a test
 * running as root cannot make with chmod).
 */
const fault = vi.hoisted(() => ({ code: '', hits: ((_path: string) => false) as (path: string) => boolean, reads: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const errnos: Record<string, [number, string]> = { ENOSPC: [-28, 'no space left on device'], EROFS: [-30, 'read-only file system'], EACCES: [-13, 'permission denied'] };
  const faulty = <F extends (...args: never[]) => unknown>(syscall: string, f: F, read = false): F =>
    ((...args: Parameters<F>) => {
      const path = String(args[0]);
      if (fault.code && fault.hits(path) && (!read || fault.reads)) {
        const [errno, text] = errnos[fault.code]!;
        throw Object.assign(new Error(`${fault.code}: ${text}, ${syscall} '${path}'`), { code: fault.code, errno, syscall, path });
      }
      return f(...args);
    }) as F;
  const mocked = {
    ...fs,
    writeFileSync: faulty('write', fs.writeFileSync),
    appendFileSync: faulty('write', fs.appendFileSync),
    openSync: faulty('open', fs.openSync),
    mkdirSync: faulty('mkdir', fs.mkdirSync),
    readFileSync: faulty('open', fs.readFileSync, true), // only with fault.reads: a read-only or full disk still reads
  };
  return { ...mocked, default: mocked };
});

const quiet = () => new Progress('quiet', () => {}, 10, process.stdout, () => {});
const bin = fileURLToPath(new URL('../bin/attention-zoo-train.js', import.meta.url));

describe('file-system errors name the real cause', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterEach(() => {
    fault.code = '';
    fault.reads = false;
  });

  it('a full disk while writing a checkpoint: says so, leaves no half-written checkpoint, and the run resumes once there is space', async () => {
    const dir = tmp('enospc');
    fault.code = 'ENOSPC';
    fault.hits = (p) => /\.tmp-step-00000004-\d+\/weights\.bin$/.test(p); // model.json was written: a folder to clean up
    const run = runTraining({ config: tinyConfig(), runDir: dir, progress: quiet() });
    await expect(run).rejects.toThrow(RunFolderError);
    const message = await run.catch((e: Error) => e.message);
    expect(message).toMatch(new RegExp(`^cannot write the run folder ${dir}: the disk is full \\(no space left on the device\\) \\[ENOSPC\\] \\(write ${dir}/checkpoints/\\.tmp-step-00000004-\\d+/weights\\.bin\\); free some space, then continue with --resume ${dir}`));
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['step-00000002']); // the temporary folder is gone
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    fault.code = '';
    expect((await runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() }))!.steps).toBe(8);
  });

  it('a read-only run folder (EROFS) or one without permission (EACCES): says which and what to do', async () => {
    const dir = tmp('readonly');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    fault.code = 'EROFS';
    fault.hits = (p) => p.startsWith(`${dir}/`); // creating the existing folder itself succeeds, as on a real read-only mount
    await expect(runTraining({ config: tinyConfig(), runDir: dir, resume: true, progress: quiet() })).rejects.toThrow(
      new RegExp(`^cannot write the run folder ${dir}: the file system is read-only \\[EROFS\\] \\(open ${dir}/\\.lock\\); make ${dir} writable, or choose another folder with --run$`),
    );
    fault.code = 'EACCES';
    const fresh = tmp('noaccess');
    fault.hits = (p) => p.startsWith(fresh);
    await expect(runTraining({ config: tinyConfig(), runDir: fresh, progress: quiet() })).rejects.toThrow(
      new RegExp(`^cannot write the run folder ${fresh}: permission denied \\[EACCES\\] \\(mkdir ${fresh}\\)`),
    );
  });

  it('a broken config.json is named by its path with the JSON parse error', async () => {
    const dir = tmp('badconfig');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"task": "listops", "model": {');
    expect(() => readRunConfig(dir)).toThrow(RunFileError);
    expect(() => readRunConfig(dir)).toThrow(new RegExp(`^${path} is not valid JSON: .*JSON`));
    await expect(main(['--resume', dir])).rejects.toThrow(new RegExp(`^${path} is not valid JSON`));
    writeFileSync(path, '[1, 2]');
    expect(() => readRunConfig(dir)).toThrow(`${path} is not a JSON object`);
    writeFileSync(path, '{"seed": 1}');
    expect(() => readRunConfig(dir)).toThrow(`${path} is not a trainer config: it has no "task"`);
  });

  it('eval, export and generate: a run folder that cannot be read names the cause and the file, not Node\'s errno text (issue 17)', async () => {
    const dir = tmp('unreadable');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    fault.code = 'EACCES';
    fault.reads = true;
    fault.hits = (p) => p.startsWith(`${dir}/checkpoints/`);
    const manifest = `${dir}/checkpoints/step-00000002/manifest.json`;
    const want = new RegExp(
      `^cannot read the run folder ${dir}: permission denied \\[EACCES\\] \\(open ${manifest}\\); make ${dir} and its files readable \\(chmod -R u\\+rX ${dir}\\), or copy the run somewhere readable$`,
    );
    await expect(evalRun(dir, 'test', () => {})).rejects.toThrow(RunFolderError);
    await expect(evalRun(dir, 'test', () => {})).rejects.toThrow(want);
    await expect(exportRun(dir, tmp('export-out'), () => {})).rejects.toThrow(want);
    await expect(main(['eval', dir, '--backend', 'cpu', '--quiet'])).rejects.toThrow(want);
    fault.hits = (p) => p === `${dir}/config.json`;
    const config = new RegExp(`^cannot read the run folder ${dir}: permission denied \\[EACCES\\] \\(open ${dir}/config\\.json\\)`);
    await expect(main(['eval', dir, '--backend', 'cpu', '--quiet'])).rejects.toThrow(config);
    await expect(main(['generate', '--run', dir, '--prompt', 'a', '--backend', 'cpu'])).rejects.toThrow(config);
  });

  it('export: an --out folder that cannot be written is named as the export folder, with its remedy', async () => {
    const dir = tmp('export-ro');
    await runTraining({ config: tinyConfig(), runDir: dir, progress: quiet(), stopAfter: 2 });
    const out = tmp('export-ro-out');
    fault.code = 'EROFS';
    fault.hits = (p) => p.startsWith(out);
    await expect(exportRun(dir, out, () => {})).rejects.toThrow(
      new RegExp(`^cannot write the export folder ${out}: the file system is read-only \\[EROFS\\] \\(mkdir ${out}\\); make ${out} writable, or choose another folder with --out$`),
    );
    fault.code = 'ENOSPC';
    fault.hits = (p) => p.startsWith(`${out}/`);
    await expect(exportRun(dir, out, () => {})).rejects.toThrow(new RegExp(`^cannot write the export folder ${out}: the disk is full .*\\[ENOSPC\\] \\(write ${out}/.*; free some space, then export again$`));
    fault.code = '';
    // A real one: --out under a file.
    const file = join(tmp('export-file'), '..', 'a-file');
    writeFileSync(file, 'x');
    await expect(main(['export', dir, '--out', join(file, 'sub'), '--quiet'])).rejects.toThrow(
      new RegExp(`^cannot write the export folder ${join(file, 'sub')}: part of the path is a file, not a folder \\[ENOTDIR\\]`),
    );
    rmSync(file);
  });

  it('the CLI prints such an error as one line, no stack trace, and exits non-zero', () => {
    const dir = tmp('badconfig-cli');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(tinyConfig()).slice(0, 40)); // cut off mid-write
    const r = spawnSync(process.execPath, [bin, '--resume', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^train: ${join(dir, 'config.json')} is not valid JSON: [^\\n]+$`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
