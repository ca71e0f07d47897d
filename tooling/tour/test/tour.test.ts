import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionLayer, getAttention, listAttentions, registerAttention, type MixContext } from '@attention-zoo/attention-core';
import * as tf from '@tensorflow/tfjs-core';
import { formatTourLine, runTour } from '@attention-zoo/tour';
import { useBackend } from '@attention-zoo/test-utils';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('tour', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await import('@attention-zoo/variants');
  });

  it('runs every registered attention through a Transformer and keeps the [batch, tokens, dim] shape', async () => {
    const lines = await runTour({ batch: 1, tokens: 16, dim: 32, numHeads: 2, depth: 1, repeats: 1 });
    expect(lines.map((l) => l.name)).toEqual(listAttentions().map((d) => d.name));
    for (const l of lines) {
      expect(l.error).toBeUndefined();
      expect(l.shape).toEqual([1, 16, 32]);
      expect(l.ms).toBeGreaterThan(0);
      expect(formatTourLine(l)).toMatch(new RegExp(`^${l.name}\\s+.*output \\[1, 16, 32\\]\\s+[0-9.]+ ms`));
      // How it decodes token by token is the descriptor's capability, shown on the line.
      expect(l.decode).toBe(getAttention(l.name).capabilities.incremental ?? 'none');
      expect(formatTourLine(l)).toContain(`decode ${l.decode}`);
    }
    expect(lines.find((l) => l.name === 'softmax')!.decode).toBe('cache');
  });

  it('gives shared options leniently: each variant takes the keys it declares; a key nobody takes is an error', async () => {
    const lines = await runTour({ batch: 1, tokens: 16, dim: 16, numHeads: 2, depth: 1, repeats: 1, only: 'softmax', options: { scale: 0.5 } });
    expect(lines.map((l) => [l.name, l.ok])).toEqual([['softmax', true]]);
    // flatten-* do not declare `scale`: they run without it instead of refusing it.
    const flat = await runTour({ batch: 1, tokens: 16, dim: 16, numHeads: 2, depth: 1, repeats: 1, only: 'flatten', options: { kernelSize: 3 } });
    expect(flat.every((l) => l.ok)).toBe(true);
    await expect(runTour({ only: 'softmax', options: { scael: 0.5 } })).rejects.toThrow(/no toured variant takes option\(s\) scael/);
  });

  it('reports a variant that throws as FAILED with its message, and goes on', async () => {
    class Broken extends AttentionLayer {
      static className = 'TourTest>Broken';
      static override capabilities = { ...AttentionLayer.capabilities };
      protected override mix(_q: tf.Tensor4D, _k: tf.Tensor4D, _v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
        throw new Error('broken on purpose');
      }
    }
    registerAttention({
      name: 'tour-test-broken', family: 'test', summary: 'throws', layer: Broken as never, options: {},
      paper: { title: '-', authors: '-', year: 2026, url: '-' },
      complexity: { time: '-', memory: '-' }, cost: () => ({ flops: 0, activationBytes: 0 }),
    });
    const before = tf.memory().numTensors;
    const [line] = await runTour({ only: 'tour-test-broken', tokens: 4, dim: 8, numHeads: 2, depth: 1, repeats: 1 });
    expect(line!.ok).toBe(false);
    expect(formatTourLine(line!)).toMatch(/^tour-test-broken\s+test\s+FAILED .*broken on purpose/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a token count that is not a square (grid variants need √N×√N)', async () => {
    await expect(runTour({ tokens: 10 })).rejects.toThrow(/square/);
  });

  it('`pnpm start --backend cpu` prints the backend, one line per variant and a summary', () => {
    const r = spawnSync('pnpm', ['start', '--backend', 'cpu', '--tokens', '16'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend: cpu/);
    expect(r.stdout).toMatch(/^softmax\s+softmax\s+output \[2, 16, 64\]/m);
    expect(r.stdout).toMatch(/\d+ variants, \d+ ran, 0 failed/);
    const bad = spawnSync('pnpm', ['start', '--tokens', 'ten'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--tokens must be a positive integer/);
  });
});
