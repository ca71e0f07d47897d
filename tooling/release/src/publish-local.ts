// pnpm release:local — the real release flow, against a throwaway local npm registry:
//   1. Verdaccio starts in this process on 127.0.0.1 (registry/verdaccio.yaml; storage in a
//      temporary folder; anonymous publish; no uplinks, so only what we publish is there);
//   2. a copy of the working tree (tracked and untracked, not ignored files) in a temporary
//      folder gets `pnpm install`, `changeset version` (the pending changesets: versions and
//      CHANGELOGs, in the copy only — this checkout is never touched), the build, and
//      `changeset publish` to the local registry;
//   3. what the registry now serves is checked: every published package at its new version,
//      its repository field, no `workspace:` range left;
//   4. a fresh project outside the workspace depends on each package BY NAME AND VERSION,
//      installs with npm from the local registry (tfjs from npmjs), and every runnable example
//      of the READMEs is pasted into it, type-checked and run (example-project.ts).
// The registry and the temporary folders go when the script ends, on success or failure
// (`--keep` keeps the folders for inspection).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mustRun, runAsync } from './command.js';
import { EXAMPLE_DEPS, EXAMPLE_DEV_DEPS, runExamples, writeExamples } from './example-project.js';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { readmeExamples } from './readme-examples.js';
import { publishedPackages, ROOT, type Manifest } from './workspace.js';

const keep = process.argv.includes('--keep');
const SCOPE = '@attention-zoo';

function step(s: string): void {
  console.log(`\n==> ${s}`);
}

/** Copies the files git would commit now (tracked and untracked, minus ignored) into `dest`. */
async function copyWorkingTree(dest: string): Promise<void> {
  const listed = await mustRun('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
  for (const rel of new Set(listed.split('\0').filter(Boolean))) {
    const from = join(ROOT, rel);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dest, rel)), { recursive: true });
    cpSync(from, join(dest, rel));
  }
}

/** npm's view of a published version, from the local registry. */
async function viewPublished(registry: string, name: string, version: string): Promise<Manifest | string> {
  const r = await runAsync('npm', ['view', `${name}@${version}`, '--json', `--registry=${registry}`], { cwd: tmpdir() });
  if (r.code !== 0) return `npm view ${name}@${version} failed:\n${r.output}`;
  return JSON.parse(r.output.slice(r.output.indexOf('{'))) as Manifest;
}

function publishedProblems(m: Manifest, expected: Manifest): string[] {
  const out: string[] = [];
  const repo = m.repository as { url?: string; directory?: string } | undefined;
  const want = expected.repository as { url?: string; directory?: string };
  if (repo?.url !== want.url || repo?.directory !== want.directory) out.push(`repository is ${JSON.stringify(repo)}, expected ${JSON.stringify(want)}`);
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries((m[field] ?? {}) as Record<string, string>)) {
      if (range.startsWith('workspace:')) out.push(`${field}.${dep} is "${range}"`);
    }
  }
  return out;
}

async function main(registry: LocalRegistry, work: string): Promise<void> {
  const token = `//${new URL(registry.url).host}/:_authToken=anonymous-local-publish`;
  // npm refuses to publish without a token; the local registry lets anyone publish, so any will do.
  const registryEnv = { npm_config_registry: registry.url, [`npm_config_${SCOPE}:registry`]: registry.url };

  step(`a copy of the working tree: ${join(work, 'repo')}`);
  const repo = join(work, 'repo');
  await copyWorkingTree(repo);
  await mustRun('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], { cwd: repo, echo: true });
  // changeset publish tags what it published: the copy is a git repository of its own.
  await mustRun('git', ['init', '-q', '-b', 'release-local'], { cwd: repo });
  await mustRun('git', ['add', '-A'], { cwd: repo });
  await mustRun('git', ['-c', 'user.name=release-local', '-c', 'user.email=release-local@localhost', 'commit', '-q', '-m', 'release:local snapshot'], { cwd: repo });

  step('changeset version (in the copy)');
  const before = new Map(publishedPackages(repo).map((p) => [p.manifest.name, p.manifest.version as string]));
  await mustRun(join(repo, 'node_modules/.bin/changeset'), ['version'], { cwd: repo, echo: true });
  const packages = publishedPackages(repo);
  for (const p of packages) console.log(`${p.manifest.name}  ${before.get(p.manifest.name)} → ${p.manifest.version as string}`);

  step('build, then changeset publish to the local registry');
  await mustRun('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], { cwd: repo, echo: true });
  writeFileSync(join(repo, '.npmrc'), `${readFileSync(join(repo, '.npmrc'), 'utf8')}\nregistry=${registry.url}\n${token}\n`);
  await mustRun('git', ['-c', 'user.name=release-local', '-c', 'user.email=release-local@localhost', 'commit', '-q', '-am', 'Version packages'], { cwd: repo });
  await mustRun(join(repo, 'node_modules/.bin/changeset'), ['publish'], { cwd: repo, echo: true, env: registryEnv });

  step('what the local registry serves');
  const problems: string[] = [];
  /** Each tarball's integrity as the local registry serves it: the install must have these. */
  const integrity = new Map<string, string>();
  for (const p of packages) {
    const version = p.manifest.version as string;
    const m = await viewPublished(registry.url, p.manifest.name, version);
    if (typeof m === 'string') {
      problems.push(m);
      continue;
    }
    integrity.set(p.manifest.name, (m.dist as { integrity: string }).integrity);
    const found = publishedProblems(m, p.manifest);
    console.log(`${found.length ? 'FAIL' : 'ok  '}  ${p.manifest.name}@${m.version as string}  ${(m.dist as { tarball: string }).tarball}`);
    problems.push(...found.map((f) => `${p.manifest.name}: ${f}`));
  }
  if (problems.length) throw new Error(`the published packages:\n${problems.join('\n')}`);

  const app = join(work, 'app');
  step(`a fresh project outside the workspace, installing by name and version: ${app}`);
  mkdirSync(app);
  const deps = Object.fromEntries(packages.map((p) => [p.manifest.name, p.manifest.version as string]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'attention-zoo-registry-consumer', private: true, type: 'module', dependencies: { ...deps, ...EXAMPLE_DEPS }, devDependencies: EXAMPLE_DEV_DEPS }, null, 2),
  );
  // Our scope from the local registry, everything else (tfjs, tsx, …) from npmjs as usual.
  writeFileSync(join(app, '.npmrc'), `${SCOPE}:registry=${registry.url}\n`);
  const examples = readmeExamples(repo);
  writeExamples(app, examples, repo);
  await mustRun('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, echo: true });
  // npm leaves `resolved` out of the lockfile for these; the integrity of each installed tarball,
  // the one the local registry serves (the names are on no other registry), proves the source.
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; integrity?: string }> };
  for (const [name, version] of Object.entries(deps)) {
    const entry = lock.packages[`node_modules/${name}`];
    const installed = (JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Manifest).version;
    const ok = entry?.version === version && installed === version && entry.integrity === integrity.get(name);
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}@${installed as string}, the tarball the local registry serves (${entry?.integrity?.slice(0, 20) ?? '?'}…)`);
    if (!ok) problems.push(`${name}: installed ${installed as string} (lockfile ${JSON.stringify(entry)}), expected ${version} with integrity ${integrity.get(name)}`);
  }
  if (problems.length) throw new Error(`the install:\n${problems.join('\n')}`);

  step(`README examples: ${examples.length}, pasted into the project, type-checked and run`);
  problems.push(...(await runExamples(app, examples)));
  for (const p of problems) console.error(`problem: ${p}`);
  if (problems.length) throw new Error(`${problems.length} README example problem(s)`);
  console.log(`\nrelease:local passed: ${packages.length} packages published to ${registry.url}, installed by name and version, ${examples.length} README examples ran`);
}

const work = mkdtempSync(join(tmpdir(), 'attention-zoo-release-'));
let registry: LocalRegistry | undefined;
let code = 0;
const teardown = async (): Promise<void> => {
  await registry?.close();
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nrelease:local: ${signal}, stopping the registry`);
    void teardown().finally(() => process.exit(130));
  });
}
try {
  step('local registry (Verdaccio)');
  registry = await startLocalRegistry();
  console.log(`listening on ${registry.url}`);
  await main(registry, work);
} catch (err) {
  console.error(`\nrelease:local FAILED: ${(err as Error).message}`);
  code = 1;
} finally {
  await teardown();
}
process.exit(code);
