import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages, readJson, ROOT } from '../src/index.js';

const config = readJson<Record<string, unknown>>(join(ROOT, '.changeset/config.json'));
const changesets = readdirSync(join(ROOT, '.changeset'))
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => readFileSync(join(ROOT, '.changeset', f), 'utf8'));

describe('changesets', () => {
  it('publishes scoped packages publicly and versions them independently', () => {
    expect(config.access).toBe('public');
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
  });

  // changesets skips a private package exactly as one in `ignore` ("A package is skipped if it's
  // in the ignore list, or if it's private"), and a glob in `ignore` naming an app that does not
  // exist yet is a config error — so apps and tooling are ignored by being private.
  it('never versions or tags apps and tooling: every one is private', () => {
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    for (const group of ['apps', 'tooling']) {
      const base = join(ROOT, group);
      if (!existsSync(base)) continue;
      for (const d of readdirSync(base)) {
        const path = join(base, d, 'package.json');
        if (existsSync(path)) expect(readJson(path).private, `${group}/${d} must be "private": true`).toBe(true);
      }
    }
  });

  it('has a pending changeset for every package that was never released', () => {
    for (const p of publishedPackages().filter((p) => p.manifest.version === '0.0.0')) {
      const named = changesets.some((c) => new RegExp(`^["']?${p.manifest.name}["']?\\s*:\\s*(major|minor|patch)`, 'm').test(c.split('---')[1] ?? ''));
      expect(named, `${p.manifest.name} is at 0.0.0 with no changeset: add .changeset/${p.folder}-first-release.md`).toBe(true);
    }
  });
});
