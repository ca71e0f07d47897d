// pnpm fix:manifests — brings every published package's package.json to the pattern of
// CONTRIBUTING.md ("What a published package declares") where the fix is mechanical: sideEffects
// derived from the sources, main/types from exports, files, repository/homepage/bugs from the
// root, engines, keywords, publishConfig, and a LICENSE copy. What needs a person — the
// description, the README — is left to the manifest test's messages.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REQUIRED_KEYWORDS } from './manifest-rules.js';
import { declaredSideEffect, requiredEntries, sideEffectfulModules } from './side-effects.js';
import { publishedPackages, readJson, ROOT } from './workspace.js';

type Json = Record<string, unknown>;
const root = readJson(join(ROOT, 'package.json')) as Json;
const rootRepo = root.repository as Json;
const homepage = String(root.homepage).replace(/#readme$/, '');

/** Re-inserts keys so the manifest reads in the usual order; unknown keys keep their place at the end. */
const ORDER = ['name', 'version', 'private', 'description', 'type', 'license', 'repository', 'homepage', 'bugs', 'exports', 'main', 'types', 'files', 'sideEffects', 'scripts', 'peerDependencies', 'dependencies', 'devDependencies', 'engines', 'keywords', 'publishConfig'];
const ordered = (m: Json): Json => Object.fromEntries([...ORDER.filter((k) => k in m).map((k) => [k, m[k]]), ...Object.entries(m).filter(([k]) => !ORDER.includes(k))]);

for (const pkg of publishedPackages()) {
  const path = join(pkg.dir, 'package.json');
  const before = readFileSync(path, 'utf8');
  const m = JSON.parse(before) as Json;
  m.license = 'MIT';
  m.repository = { type: 'git', url: rootRepo.url, directory: `packages/${pkg.folder}` };
  m.homepage = `${homepage}/tree/main/packages/${pkg.folder}#readme`;
  m.bugs = root.bugs;
  const dot = (m.exports as Record<string, Json> | undefined)?.['.'];
  if (dot) {
    m.main = dot.default;
    m.types = dot.types;
  }
  const files = new Set([...((m.files as string[] | undefined) ?? []), 'dist', 'src', '!src/**/*.test.ts', 'CHANGELOG.md']);
  m.files = [...files];
  // Keep the package's own patterns (globs included) that still match something, add what is missing.
  const needed = sideEffectfulModules(pkg.dir).flatMap((e) => requiredEntries(e.file));
  const kept = (Array.isArray(m.sideEffects) ? (m.sideEffects as string[]) : []).filter((p) => needed.some((n) => declaredSideEffect([p], n)));
  m.sideEffects = [...kept, ...needed.filter((n) => !declaredSideEffect(kept, n))];
  m.engines = { ...((m.engines as Json | undefined) ?? {}), node: (root.engines as Json).node };
  m.keywords = [...new Set([...REQUIRED_KEYWORDS, ...((m.keywords as string[] | undefined) ?? [])])];
  m.publishConfig = { ...((m.publishConfig as Json | undefined) ?? {}), access: 'public' };
  const after = JSON.stringify(ordered(m), null, 2) + '\n';
  if (after !== before) writeFileSync(path, after);
  if (!existsSync(join(pkg.dir, 'LICENSE'))) copyFileSync(join(ROOT, 'LICENSE'), join(pkg.dir, 'LICENSE'));
  console.log(`${pkg.manifest.name}: ${after !== before ? 'updated' : 'up to date'}`);
}
