import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkManifest,
  declaredSideEffect,
  publishedPackages,
  readJson,
  ROOT,
  sideEffectfulModules,
  type Manifest,
} from '../src/index.js';

// The rules must be able to fail: each mutation of a good manifest is caught, naming the fix.
const core = publishedPackages().find((p) => p.folder === 'attention-core')!;
const root = readJson(join(ROOT, 'package.json'));
const check = (mutate: (m: Manifest) => void, privateNames: Set<string> = new Set()): string[] => {
  const manifest = structuredClone(core.manifest);
  mutate(manifest);
  return checkManifest({ pkg: { ...core, manifest }, root, privateNames });
};

describe('manifest rules catch what a package forgets', () => {
  const cases: [string, (m: Manifest) => void, RegExp][] = [
    ['a missing repository', (m) => delete m.repository, /^legal: repository must be/],
    ['a missing license', (m) => delete m.license, /^legal: license must be "MIT"/],
    ['missing keywords', (m) => (m.keywords = ['attention']), /^legal: keywords must include "tensorflowjs", "tfjs"/],
    ['missing engines', (m) => delete m.engines, /^runtime: engines.node must be/],
    ['tfjs as a dependency', (m) => (m.dependencies = { '@tensorflow/tfjs-core': '^4.22.0' }), /tfjs-core must not be in dependencies/],
    ['tfjs peer missing', (m) => delete (m.peerDependencies as Record<string, string>)['@tensorflow/tfjs-layers'], /peerDependencies must have "@tensorflow\/tfjs-layers"/],
    ['a pinned workspace dependency', (m) => (m.dependencies = { '@attention-zoo/x': 'workspace:*' }), /must be "workspace:\^"/],
    ['no publishConfig.access', (m) => delete m.publishConfig, /publishConfig.access must be "public"/],
    ['exports without types', (m) => delete (m.exports as Record<string, Record<string, string>>)['.']!.types, /exports\["\."\] must have exactly the conditions/],
    ['types after default', (m) => ((m.exports as Record<string, unknown>)['.'] = { '@attention-zoo/source': './src/index.ts', default: './dist/index.js', types: './dist/index.d.ts' }), /in that order/],
    ['no files', (m) => delete m.files, /^shipped: files must include "dist"/],
    ['no sideEffects', (m) => delete m.sideEffects, /^sideEffects: sideEffects must be an array/],
    ['sideEffects: false', (m) => (m.sideEffects = false), /^sideEffects: sideEffects must be an array/],
    ['a missing registration', (m) => (m.sideEffects = (m.sideEffects as string[]).filter((s) => !s.includes('register'))), /sideEffects must declare "\.\/dist\/softmax\/register\.js" \(registerAttention/],
    ['a re-export path left out', (m) => (m.sideEffects = (m.sideEffects as string[]).filter((s) => !s.includes('softmax/index') && !s.includes('**/index'))), /declare "\.\/dist\/softmax\/index\.js" \(import '\.\/register\.js'\)/],
    ['a stale entry', (m) => (m.sideEffects as string[]).push('./dist/ops/gelu.js'), /"\.\/dist\/ops\/gelu\.js" matches no module with a side effect/],
    ['a build that is not tsc', (m) => ((m.scripts as Record<string, string>).build = 'vite build'), /^shipped: scripts.build must be "tsc -p tsconfig.build.json"/],
    ['tsc after an arbitrary command', (m) => ((m.scripts as Record<string, string>).build = 'rm -rf src && tsc -p tsconfig.build.json'), /^shipped: scripts.build must be/],
    ['the wrong name', (m) => (m.name = '@attention-zoo/core'), /^identity: name must be "@attention-zoo\/attention-core"/],
  ];
  it('passes the real manifest', () => expect(check(() => {})).toEqual([]));
  for (const [what, mutate, message] of cases) {
    it(`fails ${what}`, () => expect(check(mutate).some((p) => message.test(p)), check(mutate).join('\n')).toBe(true));
  }
  it('fails a runtime dependency on a private workspace package', () => {
    const problems = check((m) => (m.dependencies = { '@attention-zoo/test-utils': 'workspace:^' }), new Set(['@attention-zoo/test-utils']));
    expect(problems.join('\n')).toMatch(/test-utils is a private workspace package/);
  });
});

describe('side-effect analysis', () => {
  it('finds registrations, bare imports and every re-export on the way to them; not modules that merely import a binding, nor type-only imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'side-effects-'));
    const put = (f: string, text: string): void => {
      mkdirSync(join(dir, 'src', f, '..'), { recursive: true });
      writeFileSync(join(dir, 'src', f), text);
    };
    put('index.ts', "export * from './toy/index.js';\nexport { pure } from './pure.js';\n");
    put('pure.ts', "import type { Toy } from './toy/layer.js';\nexport const pure = (t?: Toy) => t;\n");
    put('uses.ts', "import { Toy } from './toy/register-class.js';\nexport const make = () => new Toy();\n");
    put('toy/register-class.ts', "export class Toy {}\nserialization.registerClass(Toy);\n");
    put('toy/index.ts', "export { Toy } from './layer.js';\nimport './register.js';\n");
    put('toy/layer.ts', 'export class Toy {}\n');
    put('toy/register.ts', "import { Toy } from './layer.js';\nregisterAttention({ name: 'toy', layer: Toy });\n");
    put('toy/register.test.ts', "registerAttention({});\n");
    expect(sideEffectfulModules(dir)).toEqual([
      { file: 'index.ts', reason: 're-exports ./toy/index.js' },
      { file: 'toy/index.ts', reason: "import './register.js'" },
      { file: 'toy/register-class.ts', reason: 'serialization.registerClass(Toy);' },
      { file: 'toy/register.ts', reason: "registerAttention({ name: 'toy', layer: Toy });" },
    ]);
  });

  it('reads sideEffects patterns the way bundlers do', () => {
    expect(declaredSideEffect(['./dist/*/register.js'], './dist/toy/register.js')).toBe(true);
    expect(declaredSideEffect(['register.js'], './dist/toy/register.js')).toBe(true);
    expect(declaredSideEffect(['./dist/index.js'], './dist/toy/index.js')).toBe(false);
  });
});
