// pnpm test:scaffold — CONTRIBUTING.md's walk-through, run literally in a throwaway copy of the
// working tree: scaffold a toy variant in a new package, install, run its conformance test, and
// see it in the tour, the benchmark, the fixture runner's handler table, the demo, the trainer
// and a backbone — having changed nothing but the new package, its changeset and the generated
// discovery list. Then a second variant in the same package changes nothing outside it.
// Proves a newcomer starts from green, and that a variant is one folder and one registration.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const keep = process.argv.includes('--keep');

function sh(cwd: string, cmd: string, args: string[], expectOut?: RegExp): string {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 2 ** 20 });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  console.log(out.trimEnd().split('\n').slice(-15).join('\n'));
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  if (expectOut && !expectOut.test(out)) throw new Error(`${cmd} ${args.join(' ')}: output does not match ${expectOut}`);
  return out;
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@localhost', ...args], { cwd, encoding: 'utf8' });

/** Files changed since the last commit of the copy (lockfile aside), committed so the next step starts clean. */
function changedSince(copy: string, step: string): string[] {
  git(copy, 'add', '-A');
  const files = git(copy, 'diff', '--cached', '--name-only').split('\n').filter((f) => f && f !== 'pnpm-lock.yaml');
  git(copy, 'commit', '-qm', step, '--allow-empty');
  return files;
}

/** Fails naming the files a step changed outside the places it may change. */
function onlyChanged(files: string[], allowed: (f: string) => boolean, step: string): void {
  const outside = files.filter((f) => !allowed(f));
  if (outside.length) throw new Error(`${step} changed files it should not: ${outside.join(', ')}`);
  console.log(`${step}: ${files.length} files changed${files.length ? ', all in the package, its changeset or the generated discovery list' : ''}`);
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
  git(copy, 'init', '-q');
  changedSince(copy, 'the working tree');
  sh(copy, 'pnpm', ['install', '--prefer-offline', '--frozen-lockfile']);

  // 1–2. Scaffold a new package, link it.
  sh(copy, 'pnpm', ['-s', 'new-variant', 'toy-mix', '--family', 'toy-family'], /created package @attention-zoo\/toy-family/);
  // --no-frozen-lockfile: under CI=true pnpm would refuse the new package's lockfile entry.
  sh(copy, 'pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile']);
  const generated = new Set(['tooling/variants/package.json', 'tooling/variants/src/packages.generated.ts']);
  onlyChanged(changedSince(copy, 'toy-mix'), (f) => f.startsWith('packages/toy-family/') || f === '.changeset/toy-family-first-release.md' || generated.has(f), 'new-variant toy-mix');

  // 3. The conformance kit; the package and the discovery list typecheck.
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'toy-family'], /Tests\s+\d+ passed/);
  for (const p of ['packages/toy-family', 'tooling/variants']) sh(copy, 'pnpm', ['exec', 'tsc', '-p', `${p}/tsconfig.json`]);
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'variants', '--project', 'release'], /Tests\s+\d+ passed/);

  // 4–5. The tour and the benchmark.
  sh(copy, 'pnpm', ['-s', 'start', '--backend', 'cpu', '--only', 'toy'], /toy-mix\s+toy-family output \[2, 64, 64\]/);
  sh(copy, 'pnpm', ['-s', 'bench', '--variants', 'toy-mix', '--backends', 'cpu', '--tokens', '64,128', '--runs', '1', '--dim', '32', '--out', join(copy, 'bench-out')], /cpu\s+toy-mix\s+N=128/);

  // The fixture runner: cases whose variant is 'toy_mix' reach the handler in the descriptor. The
  // placeholder is φ = elu + 1 linear attention, so the linear_elu reference cases are its cases.
  const cases = join(copy, 'toy-fixtures');
  mkdirSync(cases);
  for (const [from, to] of [['linear_elu', 'toy_mix'], ['linear_elu_causal', 'toy_mix_causal']] as const) {
    const shared = join(copy, 'tooling/fixture-runner/fixtures/shared', from);
    const meta = JSON.parse(readFileSync(`${shared}.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(cases, `${to}.json`), JSON.stringify({ ...meta, name: to, variant: to }));
    cpSync(`${shared}.safetensors`, join(cases, `${to}.safetensors`));
  }
  sh(copy, 'pnpm', ['-s', 'fixtures', cases], /pass\s+toy_mix\s.*toy-mix[^]*2 passed, 0 failed, 0 skipped/);

  // The trainer builds its model with it and trains two steps.
  sh(copy, 'pnpm', ['-s', 'train', '--attention', 'toy-mix', '--task', 'mnist', '--steps', '2', '--batch', '8', '--train-limit', '32', '--val-limit', '16', '--test-limit', '16',
    '--dim', '16', '--depth', '1', '--heads', '2', '--backend', 'cpu', '--run', join(copy, 'toy-run'), '--quiet'], /final test accuracy: [0-9.]+% .*mnist, toy-mix/);

  // A backbone: vision-backbones' DeiT with it in every block.
  sh(copy, 'pnpm', ['exec', 'tsx', '--conditions=@attention-zoo/source', 'tooling/scaffold/src/backbone-probe.ts', 'toy-mix'], /deit-t with 'toy-mix' in every block: logits \[1, 10\]/);

  // The demo: its bundle registers what Node registers (the browser test builds it and opens it in Chromium).
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'demo', 'test/browser/demo.test.ts', '-t', 'registers every variant'], /Tests\s+1 passed/);
  rmSync(join(copy, 'toy-fixtures'), { recursive: true });
  rmSync(join(copy, 'toy-run'), { recursive: true });
  rmSync(join(copy, 'bench-out'), { recursive: true });
  onlyChanged(changedSince(copy, 'the checks'), () => false, 'the checks');

  // A second variant in the same package: one folder and one registration, nothing outside the package.
  sh(copy, 'pnpm', ['-s', 'new-variant', 'toy-two', '--family', 'toy-family'], /added to @attention-zoo\/toy-family/);
  onlyChanged(changedSince(copy, 'toy-two'), (f) => f.startsWith('packages/toy-family/') || f === '.changeset/toy-family-toy-two.md', 'new-variant toy-two');
  sh(copy, 'pnpm', ['exec', 'vitest', 'run', '--project', 'toy-family', 'toy-two', 'readme'], /Tests\s+\d+ passed/);
  sh(copy, 'pnpm', ['exec', 'tsc', '-p', 'packages/toy-family/tsconfig.json']);
  sh(copy, 'pnpm', ['-s', 'start', '--backend', 'cpu', '--only', 'toy-two'], /toy-two\s+toy-family output \[2, 64, 64\]/);
  console.log('\nscaffold end-to-end: passed');
} catch (err) {
  console.error(`\nscaffold end-to-end FAILED: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${copy}`);
  else rmSync(copy, { recursive: true, force: true });
}
