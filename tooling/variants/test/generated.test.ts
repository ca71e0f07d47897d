import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAttentions } from '@attention-zoo/attention-core';
import { publishedPackages, ROOT } from '@attention-zoo/release';
import { VARIANT_PACKAGES } from '@attention-zoo/variants';
import {
  GENERATED_MODULE,
  staleVariantFiles,
  SYNC_COMMAND,
  syncVariants,
  VARIANTS_MANIFEST,
  variantPackageNames,
} from '@attention-zoo/variants/generate';

/** A workspace with the generator's files and these packages (`private` ones too). */
function workspace(packages: Record<string, { private?: boolean }>): string {
  const root = mkdtempSync(join(tmpdir(), 'variants-'));
  mkdirSync(join(root, 'tooling/variants/src'), { recursive: true });
  cpSync(join(ROOT, VARIANTS_MANIFEST), join(root, VARIANTS_MANIFEST));
  for (const [folder, m] of Object.entries(packages)) {
    mkdirSync(join(root, 'packages', folder), { recursive: true });
    writeFileSync(join(root, 'packages', folder, 'package.json'), JSON.stringify({ name: `@attention-zoo/${folder}`, ...m }));
  }
  return root;
}

describe('the generated list of variant packages', () => {
  it(`is up to date with packages/*/package.json (if not: run \`${SYNC_COMMAND}\`)`, () => {
    const stale = staleVariantFiles();
    expect(stale, `stale: ${stale.join(', ')} — run \`${SYNC_COMMAND}\` and commit what it writes`).toEqual([]);
  });

  it('holds every published package, attention-core first, vision-backbones included', () => {
    expect(new Set(VARIANT_PACKAGES)).toEqual(new Set(publishedPackages().map((p) => p.manifest.name)));
    expect(VARIANT_PACKAGES[0]).toBe('@attention-zoo/attention-core');
    expect(VARIANT_PACKAGES).toContain('@attention-zoo/vision-backbones');
  });

  it('imports every package it lists: importing them again registers nothing new', async () => {
    const names = listAttentions().map((d) => d.name);
    expect(names).toContain('softmax');
    for (const pkg of VARIANT_PACKAGES) await import(pkg);
    expect(listAttentions().map((d) => d.name)).toEqual(names);
  });

  it('is written from the manifests: a new package joins, a private one does not, dependencies follow', () => {
    const root = workspace({ 'attention-core': {}, zeta: {}, beta: {}, internal: { private: true } });
    expect(variantPackageNames(root)).toEqual(['@attention-zoo/attention-core', '@attention-zoo/beta', '@attention-zoo/zeta']);
    expect(syncVariants(root).sort()).toEqual([GENERATED_MODULE, VARIANTS_MANIFEST].sort());
    const text = readFileSync(join(root, GENERATED_MODULE), 'utf8');
    expect(text).toMatch(/^import '@attention-zoo\/attention-core';\nimport '@attention-zoo\/beta';\nimport '@attention-zoo\/zeta';\n/m);
    expect(text).toContain("export const VARIANT_PACKAGES = [\n  '@attention-zoo/attention-core',\n  '@attention-zoo/beta',\n  '@attention-zoo/zeta',\n] as const;");
    expect(text).not.toContain('internal');
    const manifest = JSON.parse(readFileSync(join(root, VARIANTS_MANIFEST), 'utf8'));
    expect(manifest.dependencies).toEqual({
      '@attention-zoo/attention-core': 'workspace:*',
      '@attention-zoo/beta': 'workspace:*',
      '@attention-zoo/zeta': 'workspace:*',
    });
    expect(manifest.devDependencies).toHaveProperty(['@attention-zoo/release']);
    expect(staleVariantFiles(root)).toEqual([]);
    // A package removed, or made private, leaves the list and the dependencies.
    writeFileSync(join(root, 'packages/zeta/package.json'), JSON.stringify({ name: '@attention-zoo/zeta', private: true }));
    expect(staleVariantFiles(root).sort()).toEqual([GENERATED_MODULE, VARIANTS_MANIFEST].sort());
    syncVariants(root);
    expect(readFileSync(join(root, GENERATED_MODULE), 'utf8')).not.toContain('zeta');
    expect(JSON.parse(readFileSync(join(root, VARIANTS_MANIFEST), 'utf8')).dependencies).not.toHaveProperty(['@attention-zoo/zeta']);
  });
});
