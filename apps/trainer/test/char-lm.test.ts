import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { loadModelFolder, Progress, runTraining } from '../src/index.js';
import { CHAR_LM_TASK, CONTEXT, charWindows, generateText, mobyDickText } from '../src/tasks/char-lm.js';
import { tinyConfig, tmp } from './helpers.js';

describe('char-lm: Moby-Dick from an installed npm package, decoded token by token', () => {
  beforeAll(() => useBackend('cpu'));

  it('reads the book offline and labels each window with the character after it', () => {
    const text = mobyDickText();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain('Call me Ishmael.');
    const ids = Int32Array.from({ length: 200 }, (_, i) => i);
    const w = charWindows(ids, 4);
    expect(w.n).toBe(Math.floor((200 - CONTEXT - 1) / 4) + 1);
    expect(Array.from(w.x.subarray(CONTEXT, 2 * CONTEXT))).toEqual(Array.from({ length: CONTEXT }, (_, i) => 4 + i));
    expect(w.y[1]).toBe(4 + CONTEXT);
  });

  it('trains a few steps, reloads the checkpoint and generates text through step', async () => {
    const dir = tmp('char-lm');
    const config = tinyConfig(['--task', 'char-lm', '--steps', '3', '--eval-every', '3', '--checkpoint-every', '3']);
    config.data.trainLimit = 96;
    config.data.validationLimit = 16;
    config.data.testLimit = 16;
    const s = (await runTraining({ config, runDir: dir, progress: new Progress('quiet', () => {}) }))!;
    expect(Number.isFinite(s.test.loss)).toBe(true);
    const ckpt = join(dir, 'checkpoints', readdirSync(join(dir, 'checkpoints')).sort().at(-1)!);
    const model = await loadModelFolder(ckpt);
    const vocabulary = (await CHAR_LM_TASK.prepare(config)).vocabulary!;
    const before = tf.memory().numTensors;
    const out: string[] = [];
    for await (const c of generateText(model, vocabulary, 'Call me ', { maxNewTokens: 12, seed: 3 })) out.push(c);
    expect(out).toHaveLength(12);
    for (const c of out) expect(vocabulary).toContain(c);
    expect(tf.memory().numTensors).toBe(before);
    await expect(async () => {
      for await (const _ of generateText(model, vocabulary, 'Call me \u{1F40B}', { maxNewTokens: 1 })) void _;
    }).rejects.toThrow(/not in the vocabulary/);
  });
});
