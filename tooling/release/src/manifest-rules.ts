import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredSideEffect, requiredEntries, sideEffectfulModules } from './side-effects.js';
import type { Manifest, WorkspacePackage } from './workspace.js';

/**
 * The manifest every published package follows (CONTRIBUTING.md, "What a published package
 * declares", explains each line). Each rule returns the problems it finds, worded as what to
 * change; `pnpm test` fails on any (test/manifests.test.ts), so a new package is caught the
 * moment it is added.
 */
export const TFJS_PEERS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'] as const;
export const REQUIRED_KEYWORDS = ['tensorflowjs', 'tfjs', 'attention'] as const;
/** The link every README carries to the generated API reference (`pnpm api-docs`). */
export const API_DOCS_LINK = 'docs/api';

export interface RuleContext {
  pkg: WorkspacePackage;
  /** The root package.json: `repository.url` and `engines.node` are read from it. */
  root: Manifest;
  /** Names of the workspace packages that are private (tooling, apps): never a runtime dependency. */
  privateNames: ReadonlySet<string>;
}

type Rule = (c: RuleContext) => string[];

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const identity: Rule = ({ pkg: { folder, manifest: m } }) => {
  const out: string[] = [];
  if (m.name !== `@attention-zoo/${folder}`) out.push(`name must be "@attention-zoo/${folder}" (the folder name), got ${JSON.stringify(m.name)}`);
  if (typeof m.version !== 'string' || !/^\d+\.\d+\.\d+/.test(m.version)) out.push('version must be a semver string (changesets bumps it)');
  if (typeof m.description !== 'string' || m.description.length < 20) out.push('description must say in a sentence what the package gives a user');
  if (m.type !== 'module') out.push('type must be "module" (the packages are ESM-only)');
  return out;
};

const legal: Rule = ({ pkg: { dir, manifest: m }, root }) => {
  const out: string[] = [];
  if (m.license !== 'MIT') out.push('license must be "MIT"');
  if (!existsSync(join(dir, 'LICENSE'))) out.push('a LICENSE file must sit beside package.json (npm ships it; copy the root LICENSE)');
  const repo = obj(m.repository);
  const rootRepo = obj(root.repository);
  const folder = dir.split(/[\\/]/).pop();
  if (!repo || repo.type !== 'git' || repo.url !== rootRepo?.url || repo.directory !== `packages/${folder}`) {
    out.push(`repository must be ${JSON.stringify({ type: 'git', url: rootRepo?.url, directory: `packages/${folder}` })}`);
  }
  if (typeof m.homepage !== 'string' || !m.homepage.includes(`packages/${folder}`)) out.push(`homepage must link to the package's folder (…/tree/main/packages/${folder}#readme)`);
  if (!obj(m.bugs)?.url) out.push('bugs.url must point at the issue tracker');
  const keywords = Array.isArray(m.keywords) ? m.keywords : [];
  const missing = REQUIRED_KEYWORDS.filter((k) => !keywords.includes(k));
  if (missing.length) out.push(`keywords must include ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
  return out;
};

const runtime: Rule = ({ pkg: { manifest: m }, root, privateNames }) => {
  const out: string[] = [];
  const node = obj(m.engines)?.node;
  if (node !== obj(root.engines)?.node) out.push(`engines.node must be ${JSON.stringify(obj(root.engines)?.node)} (the root's)`);
  const peers = obj(m.peerDependencies) ?? {};
  const deps = obj(m.dependencies) ?? {};
  for (const p of TFJS_PEERS) {
    if (typeof peers[p] !== 'string' || !String(peers[p]).startsWith('^4.')) out.push(`peerDependencies must have "${p}": "^4.22.0" (one tfjs engine per app)`);
    if (p in deps) out.push(`${p} must not be in dependencies: tfjs is a peer`);
  }
  for (const [name, range] of Object.entries(deps)) {
    if (privateNames.has(name)) out.push(`dependency ${name} is a private workspace package: it is never published, so installs would fail`);
    if (name.startsWith('@attention-zoo/') && range !== 'workspace:^') out.push(`dependency ${name} must be "workspace:^" (packed as ^<version>), got ${JSON.stringify(range)}`);
  }
  const pub = obj(m.publishConfig);
  if (pub?.access !== 'public') out.push('publishConfig.access must be "public" (scoped packages are private on npm by default)');
  return out;
};

/** `exports`: every entry has types first, then default (ESM); the workspace source condition first of all. */
const entryPoints: Rule = ({ pkg: { manifest: m } }) => {
  const out: string[] = [];
  const exp = obj(m.exports);
  if (!exp || !obj(exp['.'])) return ['exports must be an object with a "." entry'];
  for (const [sub, target] of Object.entries(exp)) {
    if (sub === './package.json') continue;
    const t = obj(target);
    if (!t) {
      out.push(`exports["${sub}"] must be a conditions object`);
      continue;
    }
    const keys = Object.keys(t);
    const want = ['@attention-zoo/source', 'types', 'default'];
    if (keys.join() !== want.join()) out.push(`exports["${sub}"] must have exactly the conditions ${want.join(', ')} in that order, got ${keys.join(', ')}`);
    if (typeof t.types !== 'string' || !/^\.\/dist\/.*\.d\.ts$/.test(t.types)) out.push(`exports["${sub}"].types must point into ./dist (*.d.ts)`);
    if (typeof t.default !== 'string' || !/^\.\/dist\/.*\.js$/.test(t.default)) out.push(`exports["${sub}"].default must point into ./dist (*.js)`);
    const src = t['@attention-zoo/source'];
    if (typeof src !== 'string' || !/^\.\/src\/.*\.ts$/.test(src)) out.push(`exports["${sub}"]["@attention-zoo/source"] must point into ./src (*.ts)`);
  }
  if (exp['./package.json'] !== './package.json') out.push('exports["./package.json"] must be "./package.json" (tools read it)');
  const dot = obj(exp['.'])!;
  if (m.main !== dot.default) out.push(`main must equal exports["."].default (${String(dot.default)}), for tools that predate exports`);
  if (m.types !== dot.types) out.push(`types must equal exports["."].types (${String(dot.types)}), for TypeScript's node10 resolution`);
  return out;
};

const shipped: Rule = ({ pkg: { manifest: m } }) => {
  const files = Array.isArray(m.files) ? (m.files as string[]) : [];
  const out: string[] = [];
  for (const f of ['dist', 'src', 'CHANGELOG.md']) if (!files.includes(f)) out.push(`files must include "${f}"`);
  if (!files.includes('!src/**/*.test.ts')) out.push('files must exclude tests: "!src/**/*.test.ts"');
  const scripts = obj(m.scripts) ?? {};
  // A package may generate sources first (core compiles its wasm kernels), but dist must come from tsc.
  const build = typeof scripts.build === 'string' ? scripts.build : '';
  const steps = build.split('&&').map((s) => s.trim());
  const preStepsOk = steps.slice(0, -1).every((s) => /^node scripts\/[\w.-]+\.mjs$/.test(s));
  if (steps.at(-1) !== 'tsc -p tsconfig.build.json' || !preStepsOk) {
    out.push('scripts.build must be "tsc -p tsconfig.build.json", optionally after "node scripts/<name>.mjs &&" steps');
  }
  return out;
};

/** `sideEffects` lists every module whose evaluation registers something, in src and dist form, and nothing stale. */
const sideEffects: Rule = ({ pkg: { dir, manifest: m } }) => {
  if (!Array.isArray(m.sideEffects)) return ['sideEffects must be an array of the modules that register layers/attentions (run `pnpm fix:manifests`)'];
  const patterns = m.sideEffects as string[];
  const out: string[] = [];
  const effects = sideEffectfulModules(dir);
  for (const e of effects) {
    for (const entry of requiredEntries(e.file)) {
      if (!declaredSideEffect(patterns, entry)) out.push(`sideEffects must declare "${entry}" (${e.reason}); run \`pnpm fix:manifests\``);
    }
  }
  const needed = effects.flatMap((e) => requiredEntries(e.file));
  for (const p of patterns) {
    if (!needed.some((n) => declaredSideEffect([p], n))) out.push(`sideEffects entry "${p}" matches no module with a side effect: remove it, or bundlers keep dead code`);
  }
  return out;
};

const readme: Rule = ({ pkg: { dir, manifest: m } }) => {
  const path = join(dir, 'README.md');
  if (!existsSync(path)) return ['README.md is missing'];
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  if (!text.includes(`npm install ${m.name}`)) out.push(`README.md must show \`npm install ${m.name}\``);
  if (!new RegExp(`\\]\\([^)]*${API_DOCS_LINK}`).test(text)) out.push(`README.md must link to the API reference (${API_DOCS_LINK}, built by \`pnpm api-docs\`)`);
  return out;
};

export const RULES: Record<string, Rule> = { identity, legal, runtime, entryPoints, shipped, sideEffects, readme };

/** All problems of one package, each prefixed with the rule that found it. */
export function checkManifest(c: RuleContext): string[] {
  return Object.entries(RULES).flatMap(([name, rule]) => rule(c).map((p) => `${name}: ${p}`));
}
