import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest, publishedPackages, readJson, ROOT } from '@attention-zoo/release';
import { names, scaffoldVariant } from '../src/index.js';

/** A copy of the parts of the repository the scaffolder reads and edits. */
function workspaceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scaffold-'));
  for (const p of [
    'package.json',
    'LICENSE',
    '.changeset/config.json',
    'packages/attention-core',
    'tooling/fixture-runner/package.json',
    'tooling/fixture-runner/src/cases',
    'tooling/tour/package.json',
    'tooling/tour/src/variants.ts',
  ]) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    cpSync(join(ROOT, p), join(dir, p), { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('/dist') });
  }
  return dir;
}
const read = (root: string, p: string): string => readFileSync(join(root, p), 'utf8');

describe('pnpm new-variant', () => {
  it('spells a name every way the code needs it', () => {
    expect(names('toy-mix')).toEqual({ kebab: 'toy-mix', snake: 'toy_mix', op: 'toyMixAttention', layer: 'ToyMixAttention', pascal: 'ToyMix' });
    expect(names('efficient-attention').layer).toBe('EfficientAttention');
    expect(() => names('ToyMix')).toThrow(/kebab-case/);
  });

  it('creates a new package that follows the publishing rules and joins the tour, the fixture runner and changesets', () => {
    const root = workspaceCopy();
    const r = scaffoldVariant({ root, name: 'toy-mix', family: 'toy-family' });
    expect(r).toMatchObject({ pkg: '@attention-zoo/toy-family', folder: 'toy-family', newPackage: true });
    for (const f of ['op.ts', 'layer.ts', 'register.ts', 'index.ts']) expect(existsSync(join(root, 'packages/toy-family/src/toy-mix', f))).toBe(true);
    expect(read(root, 'packages/toy-family/src/index.ts')).toContain("export * from './toy-mix/index.js';");
    expect(read(root, 'packages/toy-family/src/toy-mix/register.ts')).toMatch(/name: 'toy-mix',\n {2}family: 'toy-family'/);
    expect(read(root, 'packages/toy-family/test/toy-mix.conformance.test.ts')).toContain("conformanceChecks({\n      name: 'toy-mix'");
    // The README shows the example verbatim (the README-examples test runs it).
    const example = read(root, 'packages/toy-family/examples/toy-mix.ts').trim();
    expect(read(root, 'packages/toy-family/README.md')).toContain('```ts\n' + example + '\n```');
    expect(read(root, 'tooling/tour/src/variants.ts')).toMatch(/VARIANT_PACKAGES = \[\n(  '@attention-zoo\/[a-z-]+',\n)*  '@attention-zoo\/toy-family',\n\] as const/);
    expect(readJson(join(root, 'tooling/tour/package.json')).dependencies).toHaveProperty(['@attention-zoo/toy-family'], 'workspace:*');
    expect(readJson(join(root, 'tooling/fixture-runner/package.json')).dependencies).toHaveProperty(['@attention-zoo/toy-family'], 'workspace:*');
    expect(read(root, 'tooling/fixture-runner/src/cases/index.ts')).toMatch(/\n  \.\.\.CORE_HANDLERS,\n(  \.\.\.[A-Z_]+,\n)*  \.\.\.TOY_FAMILY_HANDLERS,\n\];/);
    expect(read(root, 'tooling/fixture-runner/src/cases/toy-family.ts')).toContain("variants: ['toy_mix', 'toy_mix_causal']");
    expect(read(root, '.changeset/toy-family-first-release.md')).toMatch(/^---\n"@attention-zoo\/toy-family": minor\n---/);
    // The same manifest rules `pnpm test` applies to every published package.
    const pkg = publishedPackages(root).find((p) => p.folder === 'toy-family')!;
    expect(checkManifest({ pkg, root: readJson(join(root, 'package.json')), privateNames: new Set() })).toEqual([]);
    expect(pkg.manifest.sideEffects).toEqual([
      './src/index.ts',
      './dist/index.js',
      './src/toy-mix/index.ts',
      './dist/toy-mix/index.js',
      './src/toy-mix/register.ts',
      './dist/toy-mix/register.js',
    ]);
  });

  it('adds to an existing package found by folder or by registry family, without touching the tour', () => {
    const root = workspaceCopy();
    scaffoldVariant({ root, name: 'toy-mix', family: 'toy-family' });
    const tourBefore = read(root, 'tooling/tour/src/variants.ts');
    const r = scaffoldVariant({ root, name: 'toy-two', family: 'toy-family' });
    expect(r.newPackage).toBe(false);
    expect(read(root, 'packages/toy-family/src/index.ts')).toMatch(/toy-mix\/index\.js';\nexport \* from '\.\/toy-two\/index\.js';/);
    expect(read(root, 'tooling/tour/src/variants.ts')).toBe(tourBefore);
    const cases = read(root, 'tooling/fixture-runner/src/cases/toy-family.ts');
    expect(cases).toContain("import { toyMixAttention, toyTwoAttention } from '@attention-zoo/toy-family';");
    expect(cases.indexOf("'toy_mix'")).toBeLessThan(cases.indexOf("'toy_two'"));
    expect(existsSync(join(root, '.changeset/toy-family-toy-two.md'))).toBe(true);
  });

  it('refuses a taken registry name and attention-core, before writing anything', () => {
    const root = workspaceCopy();
    expect(() => scaffoldVariant({ root, name: 'softmax', family: 'toy-family' })).toThrow(/'softmax' is taken/);
    expect(existsSync(join(root, 'packages/toy-family'))).toBe(false);
    expect(() => scaffoldVariant({ root, name: 'toy', family: 'attention-core' })).toThrow(/attention-core holds the common interface/);
    expect(() => scaffoldVariant({ root, name: 'toy', family: 'softmax' })).toThrow(/attention-core/);
    expect(() => scaffoldVariant({ root, name: 'toy', family: 'Bad Family' })).toThrow(/--family must be lower-case kebab-case/);
  });
});
