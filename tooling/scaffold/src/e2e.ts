// pnpm test:scaffold — CONTRIBUTING.md's walk-through, run literally in a throwaway copy of the
// working tree: scaffold a toy variant in a new package, install, run its conformance test,
// typecheck, see it in the tour and the benchmark, add a second variant to the same package,
// then delete the copy. Proves a newcomer starts from green.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const keep = process.argv.includes('--keep');

function sh(cwd: string, cmd: string, args: string[], expectOut?: RegExp): string {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  console.log(out.trimEnd().split('\n').slice(-15).join('\n'));
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  if (expectOut && !expectOut.test(out)) throw new Error(`${cmd} ${args.join(' ')}: output does not match ${expectOut}`);
  return out;
}

const copy = mkdtempSync(join(tmpdir(), 'attention-zoo-scaffold-e2e-'));
try {
  // The working tree as git sees it (tracked and untracked-but-not-ignored files), no node_modules.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(root, f), join(copy, f));
  }
  console.log(`copied ${files.length} files to ${copy}`);
  sh(copy, 'pnpm', ['install', '--prefer-offline', '--frozen-lockfile']);

  sh(copy, 'pnpm', ['-s', 'new-variant', 'toy-mix', '--family', 'toy-family'], /created package @attention-zoo\/toy-family/);
  // --no-frozen-lockfile: under CI=true pnpm would refuse the new package's lockfile entry.
  sh(copy, 'pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile']);
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'toy-family'], /Tests\s+\d+ passed/);
  for (const p of ['packages/toy-family', 'tooling/tour', 'tooling/fixture-runner']) sh(copy, 'pnpm', ['exec', 'tsc', '-p', `${p}/tsconfig.json`]);
  sh(copy, 'pnpm', ['-s', 'start', '--backend', 'cpu', '--only', 'toy'], /toy-mix\s+toy-family output \[2, 64, 64\]/);
  sh(copy, 'pnpm', ['-s', 'bench', '--variants', 'toy-mix', '--backends', 'cpu', '--tokens', '64,128', '--runs', '1', '--dim', '32', '--out', join(copy, 'bench-out')], /cpu\s+toy-mix\s+N=128/);
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'release'], /Tests\s+\d+ passed/);

  sh(copy, 'pnpm', ['-s', 'new-variant', 'toy-two', '--family', 'toy-family'], /added to @attention-zoo\/toy-family/);
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'toy-family', 'toy-two', 'readme'], /Tests\s+\d+ passed/);
  sh(copy, 'pnpm', ['exec', 'tsc', '-p', 'packages/toy-family/tsconfig.json']);
  console.log('\nscaffold end-to-end: passed');
} catch (err) {
  console.error(`\nscaffold end-to-end FAILED: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${copy}`);
  else rmSync(copy, { recursive: true, force: true });
}
