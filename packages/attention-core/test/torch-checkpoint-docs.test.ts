import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';

// The package root does not export readTorchCheckpoint yet (core's exports are being split into
// subpaths); until it does, the example's import of it from the package is served from the module.
vi.mock('@attention-zoo/attention-core', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readTorchCheckpoint: (await import('../src/weights/torch-checkpoint/index.js')).readTorchCheckpoint,
}));

describe('docs/torch-checkpoints.md', () => {
  beforeAll(() => useBackend('cpu'));
  afterEach(() => vi.restoreAllMocks());

  it('shows docs/torch-checkpoint-example.ts verbatim, and the example runs', async () => {
    const doc = readFileSync(new URL('../docs/torch-checkpoints.md', import.meta.url), 'utf8');
    const example = new URL('../docs/torch-checkpoint-example.ts', import.meta.url);
    expect(doc.includes('```ts\n' + readFileSync(example, 'utf8').trim() + '\n```')).toBe(true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(example.href);
    expect(log).toHaveBeenCalledWith('model', [{ key: 'epoch', what: 'int', value: 300 }]);
    expect(log).toHaveBeenLastCalledWith(['blocks.0.attn.qkv.weight', 'blocks.0.attn.qkv.bias', 'blocks.0.attn.proj.weight', 'blocks.0.attn.proj.bias']);
  });
});
