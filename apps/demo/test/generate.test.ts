// The Generate page's decoding loop and model loader in Node on the cpu backend: the loop yields
// what DecoderLM.generate yields, reports the state's bytes (flat for recurrent, growing for
// softmax's cache, bounded by the window for local), stops on an aborted signal and leaks nothing;
// the shipped char-lm models load and continue a prompt from their vocabulary.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { DecoderLM, type GenerateOptions } from '@attention-zoo/attention-core';
import { useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import { decodeTokens, type DecodedToken } from '../src/generate/decode.js';
import { encode, incrementalKind, listCharLms, loadCharLm, parseCharLmMetadata, type FetchLike } from '../src/generate/model.js';
import { isCancelled } from '../src/job.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const live = new AbortController().signal;

function tinyLm(attention: string | { name: string; [k: string]: unknown }): DecoderLM {
  const lm = new DecoderLM({ vocab: 12, dim: 16, numHeads: 2, depth: 1, attention, maxTokens: 32, seed: 3 });
  lm.build([1, 32]);
  return lm;
}

/** Frees an LM's weights (Layer.dispose refuses a layer never applied symbolically). */
function free(lm: DecoderLM): void {
  for (const w of lm.weights) w.dispose();
}

async function all(lm: DecoderLM, prompt: number[], o: GenerateOptions, signal = live): Promise<DecodedToken[]> {
  const out: DecodedToken[] = [];
  for await (const t of decodeTokens(lm, prompt, o, signal)) out.push(t);
  return out;
}

describe('decodeTokens', () => {
  it('yields the tokens DecoderLM.generate yields for the same seed, temperature and top-k, leaking nothing', async () => {
    for (const attention of ['linear-elu', 'softmax']) {
      const lm = tinyLm(attention);
      const before = tf.memory().numTensors;
      for (const o of [{ maxNewTokens: 20, temperature: 0.9, topK: 5, seed: 7 }, { maxNewTokens: 12, temperature: 0 }]) {
        const ours = (await all(lm, [1, 2, 3], o)).map((t) => t.id);
        const theirs: number[] = [];
        for await (const id of lm.generate([1, 2, 3], o)) theirs.push(id);
        expect(ours, attention).toEqual(theirs);
      }
      expect(tf.memory().numTensors).toBe(before);
      free(lm);
    }
  });

  it('reports the attention state: flat for linear-elu, one key and value more per token for softmax, bounded by the window for local', async () => {
    const o = { maxNewTokens: 24, temperature: 0.8, seed: 1 };
    const bytes = async (attention: Parameters<typeof tinyLm>[0]) => {
      const lm = tinyLm(attention);
      const ts = await all(lm, [4, 5], o);
      free(lm);
      expect(ts.map((t) => t.position)).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
      expect(ts.every((t) => t.ms >= 0)).toBe(true);
      return ts.map((t) => t.stateBytes);
    };
    const recurrent = await bytes('linear-elu');
    expect(new Set(recurrent).size).toBe(1);
    expect(recurrent[0]).toBeGreaterThan(0);
    const cache = await bytes('softmax');
    // dim 16, one block: a key and a value of 16 float32 per token = 128 bytes.
    expect(cache.slice(1).map((b, i) => b - cache[i]!)).toEqual(Array(23).fill(128));
    expect(cache[0]).toBe(2 * 128);
    // local keeps a buffer of the last radius keys and values, zeroed at the start: bounded from the first token.
    const window = await bytes({ name: 'local', radius: 4 });
    expect(new Set(window)).toEqual(new Set([4 * 128]));
  });

  it('stops between steps once its signal is aborted, and frees the state', async () => {
    const lm = tinyLm('softmax');
    const before = tf.memory().numTensors;
    const ctrl = new AbortController();
    let seen = 0;
    let error: unknown;
    try {
      for await (const _ of decodeTokens(lm, [1], { maxNewTokens: 1000, seed: 0 }, ctrl.signal)) {
        if (++seen === 5) ctrl.abort('left the page');
      }
    } catch (err) {
      error = err;
    }
    expect(isCancelled(error)).toBe(true);
    expect(seen).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
    free(lm);
  });
});

describe('char-lm models', () => {
  it('rejects metadata that is not a char-lm export, and encodes prompts by the vocabulary', () => {
    expect(() => parseCharLmMetadata({ format: 'attention-zoo-model', task: 'mnist' }, 'm.json')).toThrow(/m\.json: task must be "char-lm"/);
    expect(() => parseCharLmMetadata({ format: 'attention-zoo-model', task: 'char-lm', attention: 'softmax', vocabulary: ['ab'], inputShape: [64] }, 'm.json')).toThrow(/single characters/);
    expect(encode('abba', ['a', 'b'])).toEqual({ ids: [0, 1, 1, 0] });
    expect(encode('abc!', ['a', 'b'])).toEqual({ unknown: ['c', '!'] });
  });

  const MODELS = fileURLToPath(new URL('../public/models/', import.meta.url));
  const BASE = 'http://demo.test/models/';
  const fromDisk: FetchLike = async (url) => {
    const file = join(MODELS, decodeURIComponent(new URL(url).pathname.replace(/^\/models\//, '')));
    return existsSync(file) ? new Response(readFileSync(file)) : new Response('not found', { status: 404 });
  };

  it('ships a recurrent model and softmax with its KV cache, each small, loading and continuing a prompt', async () => {
    const ids = await listCharLms(BASE, fromDisk);
    const kinds = new Map<string, string>();
    for (const id of ids) {
      const weights = readFileSync(join(MODELS, id, 'weights.bin'));
      expect(weights.byteLength, `${id}/weights.bin`).toBeLessThan(1024 * 1024);
      const before = tf.memory().numTensors;
      const m = await loadCharLm(BASE, id, fromDisk);
      kinds.set(m.meta.attention, incrementalKind(m.meta.attention)!);
      const prompt = encode('Call me Ishmael. ', m.meta.vocabulary);
      if (!('ids' in prompt)) throw new Error(`${id}: the default prompt has characters outside the vocabulary`);
      const out = await all(m.lm, prompt.ids, { maxNewTokens: 40, temperature: 0.8, topK: 10, seed: 0 });
      const text = out.map((t) => m.meta.vocabulary[t.id]).join('');
      expect(text).toHaveLength(40);
      // Trained on English prose: spaces and lower-case letters dominate what it writes.
      expect((text.match(/[a-z ]/g) ?? []).length, `${id}: ${JSON.stringify(text)}`).toBeGreaterThan(25);
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(kinds.get('linear-elu')).toBe('recurrent');
    expect(kinds.get('softmax')).toBe('cache');
  });
});
