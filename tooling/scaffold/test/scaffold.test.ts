import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest, publishedPackages, readJson, ROOT } from '@attention-zoo/release';
import { GENERATED_MODULE, staleVariantFiles, VARIANTS_MANIFEST } from '@attention-zoo/variants/generate';
import { names, scaffoldVariant } from '../src/index.js';

/** A copy of the parts of the repository the scaffolder reads and edits. */
function workspaceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scaffold-'));
  for (const p of [
    'package.json',
    'LICENSE',
    '.changeset/config.json',
    'packages/attention-core',
    'packages/aft',
    VARIANTS_MANIFEST,
    GENERATED_MODULE,
  ]) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    cpSync(join(ROOT, p), join(dir, p), { recursive: true, filter: (s) => !s.includes('node_modules') && !s.includes('/dist') });
  }
  return dir;
}
const read = (root: string, p: string): string => readFileSync(join(root, p), 'utf8');

describe('pnpm new-variant', () => {
  it('spells a name every way the code needs it', () => {
    expect(names('toy-mix')).toEqual({ kebab: 'toy-mix', snake: 'toy_mix', op: 'toyMixAttention', layer: 'ToyMixAttention', pascal: 'ToyMix', paper: 'TOY_MIX_PAPER' });
    expect(names('efficient-attention').layer).toBe('EfficientAttention');
    expect(() => names('ToyMix')).toThrow(/kebab-case/);
  });

  it('creates a new package in the one layout, that follows the publishing rules and joins the generated discovery list and changesets', () => {
    const root = workspaceCopy();
    const r = scaffoldVariant({ root, name: 'toy-mix', family: 'toy-family' });
    expect(r).toMatchObject({ pkg: '@attention-zoo/toy-family', folder: 'toy-family', newPackage: true });
    // CONTRIBUTING.md's layout: src/index.ts re-exports, src/paper.ts, one folder per registered variant.
    const src = (p: string) => `packages/toy-family/src/${p}`;
    expect(r.created.filter((f) => f.startsWith('packages/toy-family/src/')).sort()).toEqual(
      ['index.ts', 'paper.ts', 'toy-mix/index.ts', 'toy-mix/layer.ts', 'toy-mix/op.ts', 'toy-mix/register.ts'].map(src),
    );
    expect(read(root, src('index.ts'))).toMatch(/^\/\/ @attention-zoo\/toy-family — [^\n]*\n(\/\/[^\n]*\n)*export \* from '\.\/toy-mix\/index\.js';\n$/);
    expect(read(root, src('paper.ts'))).toMatch(/^import type \{ PaperRef \} from '@attention-zoo\/attention-core';\n[^]*export const TOY_MIX_PAPER: PaperRef = \{/);
    const register = read(root, src('toy-mix/register.ts'));
    expect(register).toMatch(/name: 'toy-mix',\n {2}family: 'toy-family'/);
    expect(register).toContain("import { TOY_MIX_PAPER } from '../paper.js';");
    expect(register).toContain('paper: TOY_MIX_PAPER,');
    expect(register).toMatch(/fixtures: \[\n {4}\{\n {6}variants: \['toy_mix', 'toy_mix_causal'\],\n {6}run: \(f\) =>\n {8}toyMixAttention\(f\.tensor\('q'\)/);
    expect(read(root, src('toy-mix/layer.ts'))).toContain('static override capabilities = defineCapabilities({');
    for (const f of ['op.ts', 'layer.ts', 'register.ts', 'index.ts']) expect(read(root, src(`toy-mix/${f}`))).not.toMatch(/registerClass/);
    expect(read(root, 'packages/toy-family/test/toy-mix.conformance.test.ts')).toContain("conformanceChecks({\n      name: 'toy-mix'");
    // The README shows the example verbatim (the README-examples test runs it).
    const example = read(root, 'packages/toy-family/examples/toy-mix.ts').trim();
    expect(read(root, 'packages/toy-family/README.md')).toContain('```ts\n' + example + '\n```');
    // Discovery: the generated list (and its dependencies) now holds the package; nothing else outside it changed.
    expect(r.changed.filter((f) => !f.startsWith('packages/toy-family/')).sort()).toEqual([GENERATED_MODULE, VARIANTS_MANIFEST].sort());
    expect(r.created.filter((f) => !f.startsWith('packages/toy-family/'))).toEqual(['.changeset/toy-family-first-release.md']);
    expect(read(root, GENERATED_MODULE)).toContain("import '@attention-zoo/toy-family';");
    expect(read(root, GENERATED_MODULE)).toMatch(/VARIANT_PACKAGES = \[\n(  '@attention-zoo\/[a-z-]+',\n)*  '@attention-zoo\/toy-family',\n\] as const/);
    expect(readJson(join(root, VARIANTS_MANIFEST)).dependencies).toHaveProperty(['@attention-zoo/toy-family'], 'workspace:*');
    expect(staleVariantFiles(root)).toEqual([]);
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

  it('adds to an existing package found by folder or by registry family, touching nothing outside it', () => {
    const root = workspaceCopy();
    scaffoldVariant({ root, name: 'toy-mix', family: 'toy-family' });
    const r = scaffoldVariant({ root, name: 'toy-two', family: 'toy-family' });
    expect(r.newPackage).toBe(false);
    expect([...r.created, ...r.changed].filter((f) => !f.startsWith('packages/toy-family/'))).toEqual(['.changeset/toy-family-toy-two.md']);
    expect(read(root, 'packages/toy-family/src/index.ts')).toMatch(/toy-mix\/index\.js';\nexport \* from '\.\/toy-two\/index\.js';/);
    // Its paper joins the package's paper.ts, written once per package.
    const paper = read(root, 'packages/toy-family/src/paper.ts');
    expect(paper.match(/import type \{ PaperRef \}/g)).toHaveLength(1);
    expect(paper.indexOf('TOY_MIX_PAPER')).toBeLessThan(paper.indexOf('export const TOY_TWO_PAPER: PaperRef'));
    expect(read(root, 'packages/toy-family/src/toy-two/register.ts')).toContain("variants: ['toy_two', 'toy_two_causal']");
    // By registry family: aft's variants are family 'aft'. Its paper.ts keeps what it holds, and
    // gets the PaperRef import the new constant needs.
    writeFileSync(join(root, 'packages/aft/src/paper.ts'), "export const AFT_PAPER = { title: 'AFT', authors: 'Zhai et al.', year: 2021, url: 'u' };\n");
    const aft = scaffoldVariant({ root, name: 'toy-three', family: 'aft' });
    expect(aft).toMatchObject({ pkg: '@attention-zoo/aft', newPackage: false });
    expect(read(root, 'packages/aft/src/toy-three/register.ts')).toMatch(/family: 'aft'/);
    expect(read(root, 'packages/aft/src/paper.ts')).toMatch(/^import type \{ PaperRef \} from '@attention-zoo\/attention-core';\nexport const AFT_PAPER = [^]*\nexport const TOY_THREE_PAPER: PaperRef = \{/);
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
