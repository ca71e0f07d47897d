import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from './backends.js';

/**
 * Tests that every `examples/*.ts` of a package is shown verbatim (in a ```ts
 * block) in its README and runs as written on the cpu backend, printing
 * something. Call from a test file with `new URL('..', import.meta.url)`.
 * A block with an `<!-- example-files: a b -->` comment above it reads those files (paths
 * from the repository root) from its working directory, as a user runs it next to their
 * own copy: the example runs in a temporary directory holding a copy of each.
 */
export function readmeExamplesSuite(packageDir: URL, { minExamples = 1 } = {}): void {
  const dir = new URL('examples/', packageDir);
  const readmeUrl = new URL('README.md', packageDir);
  const readme = existsSync(readmeUrl) ? readFileSync(readmeUrl, 'utf8') : '';
  const examples = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')).sort() : [];

  describe('README examples', () => {
    beforeAll(() => useBackend('cpu'));
    afterEach(() => vi.restoreAllMocks());

    it(`the package has a README with at least ${minExamples} example(s) from examples/`, () => {
      expect(readme.length, 'README.md is missing').toBeGreaterThan(0);
      expect(examples.length).toBeGreaterThanOrEqual(minExamples);
    });

    for (const file of examples) {
      it(`${file} appears in the README verbatim and runs`, async () => {
        const source = readFileSync(new URL(file, dir), 'utf8').trim();
        expect(readme.includes('```ts\n' + source + '\n```'), `README.md must show examples/${file} in a ts block`).toBe(true);
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        const files = exampleFiles(readme, source);
        const cwd = process.cwd();
        const work = files.length > 0 ? mkdtempSync(join(tmpdir(), 'readme-example-')) : undefined;
        try {
          if (work) {
            const root = fileURLToPath(new URL('../../', packageDir));
            for (const f of files) copyFileSync(join(root, f), join(work, basename(f)));
            process.chdir(work);
          }
          await import(new URL(file, dir).href);
        } finally {
          process.chdir(cwd);
          if (work) rmSync(work, { recursive: true, force: true });
        }
        expect(log, `examples/${file} printed nothing`).toHaveBeenCalled();
      });
    }
  });
}

/** The files named by an `<!-- example-files: … -->` comment just above the block showing `source`. */
function exampleFiles(readme: string, source: string): string[] {
  const at = readme.indexOf('```ts\n' + source + '\n```');
  const above = readme.slice(0, at).trimEnd().split('\n').at(-1) ?? '';
  return /^<!--\s*example-files:\s*(.*?)\s*-->$/.exec(above.trim())?.[1]?.split(/\s+/).filter(Boolean) ?? [];
}
