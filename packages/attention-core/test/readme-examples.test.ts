import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';

// Every file of examples/ is shown verbatim in the README and runs as written.
const dir = fileURLToPath(new URL('../examples/', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const examples = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('README examples', () => {
  beforeAll(() => useBackend('cpu'));
  afterEach(() => vi.restoreAllMocks());

  it('exist', () => expect(examples.length).toBeGreaterThanOrEqual(3));

  for (const file of examples) {
    it(`${file} appears in the README verbatim and runs`, async () => {
      const source = readFileSync(dir + file, 'utf8').trim();
      expect(readme.includes('```ts\n' + source + '\n```'), `README.md must show examples/${file} in a ts block`).toBe(true);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      await import(dir + file);
      expect(log).toHaveBeenCalled();
    });
  }
});
