import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import { useBackend } from '@attention-zoo/test-utils';
import { decodeReport, decodeVariants, measureDecode, parseBenchArgs, DECODE_POSITIONS } from '../src/index.js';

describe('pnpm bench --mode decode', () => {
  beforeAll(() => useBackend('cpu'));

  it('defaults to the positions of the targets and lists only variants that step', () => {
    expect(parseBenchArgs(['--mode', 'decode']).tokens).toEqual(DECODE_POSITIONS);
    expect(parseBenchArgs(['--mode', 'decode', '--tokens', '8,4']).tokens).toEqual([4, 8]);
    const names = decodeVariants('all');
    expect(names).toContain('softmax');
    expect(names).toContain('flatten');
  });

  it('records step time, state bytes (constant for recurrent, growing for the cache) and the recompute', async () => {
    const common = { backend: 'cpu' as const, positions: [4, 12], dim: 16, numHeads: 2, runs: 1, memoryBudgetBytes: 2 ** 30, maxMs: 60_000 };
    const soft = await measureDecode({ ...common, variant: 'softmax' });
    const flat = await measureDecode({ ...common, variant: 'flatten' });
    expect(soft.map((r) => r.state_bytes)).toEqual([4, 12].map((t) => t * 2 * 16 * 4)); // k and v, dim floats per token
    expect(flat[0]!.state_bytes).toBe(flat[1]!.state_bytes);
    for (const r of [...soft, ...flat]) {
      expect(r.step_ms).toBeGreaterThan(0);
      expect(r.recompute_ms).toBeGreaterThan(0);
    }
    expect(decodeReport([...soft, ...flat])).toMatch(/\| cpu \| flatten \| recurrent \| 12 \|/);
    await expect(measureDecode({ ...common, variant: 'flatten-swin' })).rejects.toThrow(/no incremental form/);
  });
});
