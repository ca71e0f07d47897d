import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionOverGrid } from '../src/classifier/last-attention.js';
import { listModels, loadClassifier, type FetchLike } from '../src/classifier/load.js';
import { imageLayout, parseMetadata, toModelInput } from '../src/classifier/metadata.js';
import { mnistStyle } from '../src/classifier/preprocess.js';
import { exportedModel, TEST_METADATA as META } from './export-model.js';

beforeAll(() => useBackend('cpu'));

describe('metadata', () => {
  it('accepts the documented format and lays patch tokens out row-major', () => {
    const m = parseMetadata(META, 'metadata.json');
    expect(imageLayout(m)).toEqual({ height: 28, width: 28, patch: 7 });
    const pixels = Float32Array.from({ length: 28 * 28 }, (_, i) => i);
    const x = toModelInput(pixels, m);
    // Token 1 is the patch at rows 0–6, columns 7–13; its second pixel is (0, 8).
    expect(x[49]).toBe(7);
    expect(x[50]).toBe(8);
    expect(x[49 + 7]).toBe(28 + 7);
    expect(imageLayout(parseMetadata({ ...META, inputShape: [28, 28, 1], image: undefined }, 'm'))).toEqual({ height: 28, width: 28 });
    expect(toModelInput(new Float32Array(784).fill(1), { ...META, inputShape: [784], image: undefined, pixelRange: [-1, 1] })[0]).toBe(1);
  });

  it('names the file and the key when something is wrong', () => {
    expect(() => parseMetadata({ ...META, format: 'x' }, 'models/a/metadata.json')).toThrow(/models\/a\/metadata.json: format must be/);
    expect(() => parseMetadata({ ...META, classes: ['0'] }, 'm')).toThrow(/classes must be a list of at least two/);
    expect(() => parseMetadata({ ...META, inputShape: [15, 49] }, 'm')).toThrow(/not 15 square patches of the 28×28 image/);
    expect(() => parseMetadata({ ...META, inputShape: [5, 5, 5, 5] }, 'm')).toThrow(/not supported/);
  });
});

describe('mnistStyle', () => {
  it('scales the drawing\'s box to 20 px and centres its mass in 28×28', () => {
    const side = 100;
    const data = new Float32Array(side * side);
    for (let y = 10; y < 50; y++) for (let x = 60; x < 70; x++) data[y * side + x] = 1; // a bar in the top right
    const d = mnistStyle({ width: side, height: side, data })!;
    let m = 0;
    let mx = 0;
    let my = 0;
    let top = 28;
    let bottom = -1;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const v = d.data[y * 28 + x]!;
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
      if (v > 0.5) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
    expect(Math.abs(mx / m - 14)).toBeLessThan(1);
    expect(Math.abs(my / m - 14)).toBeLessThan(1);
    expect(bottom - top + 1).toBe(20);
    expect(mnistStyle({ width: side, height: side, data: new Float32Array(side * side) })).toBeNull();
  });
});

const BASE = 'http://demo.test/models/';

function fetchFrom(files: Map<string, string | ArrayBuffer>): FetchLike {
  return async (url: string) => {
    const path = new URL(url).pathname.slice(1);
    const body = files.get(path);
    return body === undefined ? new Response('not found', { status: 404 }) : new Response(body, { status: 200 });
  };
}

describe('loading an exported classifier', () => {
  it('lists no model when the index is missing or served as the app page, and rejects a malformed index', async () => {
    expect(await listModels(BASE, fetchFrom(new Map()))).toEqual([]);
    expect(await listModels(BASE, async () => new Response('<!doctype html><html></html>'))).toEqual([]);
    expect(await listModels(BASE, fetchFrom(new Map([['models/index.json', '{"models": []}']])))).toEqual([]);
    await expect(listModels(BASE, fetchFrom(new Map([['models/index.json', '{"models": "a"}']])))).rejects.toThrow(/expected \{ "models"/);
  });

  it('loads model + metadata, predicts like the original model, and finds the last attention and its input', async () => {
    const { files, model } = await exportedModel();
    const fetchFn = fetchFrom(files);
    expect(await listModels(BASE, fetchFn)).toEqual(['mnist-softmax']);
    const c = await loadClassifier(BASE, 'mnist-softmax', fetchFn);
    const pixels = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
    const p = await c.predict(pixels);
    const want = model.predict(tf.tensor(toModelInput(pixels, META), [1, 16, 49])) as tf.Tensor;
    expect(await maxAbsDiff(p, want)).toBeLessThan(1e-5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    // The last attention is block 2's; record what it really receives during a forward pass.
    expect(c.last).not.toBeNull();
    expect(c.last!.path).toMatch(/block 2 › attn$/);
    const attn = c.last!.attention;
    const seen: tf.Tensor[] = [];
    const call = attn.call.bind(attn);
    attn.call = (inputs, kwargs) => {
      seen.push(tf.keep(tf.clone(Array.isArray(inputs) ? inputs[0]! : inputs)));
      return call(inputs, kwargs);
    };
    const x = tf.tensor(toModelInput(pixels, META), [1, 16, 49]);
    tf.dispose(c.model.predict(x) as tf.Tensor);
    attn.call = call;
    const tokens = c.last!.tokensFor(x);
    expect(tokens.shape).toEqual([1, 16, 16]);
    expect(await maxAbsDiff(tokens, seen[seen.length - 1]!)).toBeLessThan(1e-5);
    const map = attn.attentionMap(tokens);
    expect(map.shape).toEqual([1, 2, 16, 16]);
    const over = attentionOverGrid((await map.data()) as Float32Array, 2, 16, [4, 4]);
    expect(over.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // softmax rows sum to 1
    tf.dispose([want, x, tokens, map, ...seen]);
    c.dispose();
    model.dispose();
  });

  it('refuses metadata that does not match the model', async () => {
    const { files, model } = await exportedModel();
    files.set('models/mnist-softmax/metadata.json', JSON.stringify({ ...META, classes: ['a', 'b'] }));
    await expect(loadClassifier(BASE, 'mnist-softmax', fetchFrom(files))).rejects.toThrow(/2 classes but the model has 10 outputs/);
    files.set('models/mnist-softmax/metadata.json', JSON.stringify({ ...META, inputShape: [784], image: [28, 28] }));
    await expect(loadClassifier(BASE, 'mnist-softmax', fetchFrom(files))).rejects.toThrow(/does not match the model's input \[16,49\]/);
    model.dispose();
  });

  it('reads a class token row when N = grid + 1', () => {
    // 1 head, N = 5 (class token + 2×2 grid); the class token attends to patch 3 only.
    const n = 5;
    const map = new Float32Array(n * n).fill(0.2);
    map.fill(0, 0, n);
    map[3] = 1;
    expect([...attentionOverGrid(map, 1, n, [2, 2])]).toEqual([0, 0, 1, 0]);
    expect(() => attentionOverGrid(map, 1, n, [3, 3])).toThrow(/neither the 3×3 grid/);
  });
});
