import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHARED_FIXTURES } from '@attention-zoo/fixture-runner';

const upstream = fileURLToPath(new URL('../../../../shared/fixtures', import.meta.url));
const present = existsSync(upstream);
if (!present) console.warn(`vendored fixtures: ${upstream} not found on this machine; the copy cannot be checked against it here`);

describe('vendored fixtures', () => {
  it('hold a case pair (json + safetensors) for every json', () => {
    const files = readdirSync(SHARED_FIXTURES);
    const cases = files.filter((f) => f.endsWith('.json'));
    expect(cases.length).toBeGreaterThan(30);
    for (const c of cases) expect(files).toContain(c.replace(/\.json$/, '.safetensors'));
  });

  it.skipIf(!present)('are byte-identical to ../shared/fixtures', () => {
    const mine = readdirSync(SHARED_FIXTURES).sort();
    expect(mine).toEqual(readdirSync(upstream).sort());
    for (const f of mine) {
      expect(readFileSync(join(SHARED_FIXTURES, f)).equals(readFileSync(join(upstream, f))), f).toBe(true);
    }
  });
});
