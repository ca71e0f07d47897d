import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest, publishedPackages, readJson, ROOT } from '../src/index.js';
import { privateWorkspaceNames } from '../src/private-names.js';

// Every folder under packages/ that is not private, found by listing: a new package is checked
// the moment it exists, and fails here until its manifest follows CONTRIBUTING.md.
const packages = publishedPackages();
const root = readJson(join(ROOT, 'package.json'));
const privateNames = privateWorkspaceNames();

describe('published package manifests', () => {
  it('finds the packages by listing packages/', () => {
    expect(packages.map((p) => p.manifest.name)).toContain('@attention-zoo/attention-core');
  });

  for (const pkg of packages) {
    it(`${pkg.manifest.name} declares everything a published package needs`, () => {
      expect(checkManifest({ pkg, root, privateNames })).toEqual([]);
    });
  }
});
