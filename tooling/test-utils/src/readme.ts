import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from './backends.js';

/**
 * Tests that every `examples/*.ts` of a package is shown verbatim (in a ```ts
 * block) in its README and runs as written on the cpu backend, printing
 * something. Call from a test file with `new URL('..', import.meta.url)`.
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
        await import(new URL(file, dir).href);
        expect(log, `examples/${file} printed nothing`).toHaveBeenCalled();
      });
    }
  });
}
