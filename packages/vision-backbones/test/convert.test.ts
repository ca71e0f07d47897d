import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WeightLoadError } from '@attention-zoo/attention-core';
import { createBackbone } from '../src/index.js';
import { convert, parseArgs } from '../scripts/convert.js';

await tf.setBackend('cpu');
const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/checkpoints/${f}`, import.meta.url));
const expected = JSON.parse(readFileSync(fixture('swin-timm.expected.json'), 'utf8')) as {
  config: Record<string, unknown>;
  input: { shape: number[]; values: number[] };
  logits: { shape: number[]; values: number[] };
};
// the tiny Swin of the fixture, described over the named swin-t
const { imageSize, patchSize, windowSize, embedDim, depths, numHeads, numClasses } = expected.config;
const options = { imageSize, patchSize, windowSize, embedDim, depths, numHeads, numClasses } as Record<string, unknown>;
const images = () => tf.tidy(() => tf.transpose(tf.tensor4d(expected.input.values, expected.input.shape as [number, number, number, number]), [0, 2, 3, 1]));
const maxDiff = (y: tf.Tensor) => Math.max(...Array.from(y.dataSync(), (v, i) => Math.abs(v - expected.logits.values[i]!)));

const dir = mkdtempSync(join(tmpdir(), 'convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm convert', () => {
  it('parses its arguments and refuses bad ones clearly', () => {
    expect(parseArgs(['a.pth', '--model', 'swin-t', '--image-size', '384', '--no-strict'])).toEqual({ checkpoint: 'a.pth', model: 'swin-t', options: { imageSize: 384 }, strict: false });
    expect(() => parseArgs(['a.pth'])).toThrow('--model is required');
    expect(() => parseArgs(['--model', 'swin-t'])).toThrow('no checkpoint given');
    expect(() => parseArgs(['a.pth', '--model', 'swin-t', '--image-size', 'big'])).toThrow("--image-size must be a non-negative integer, got 'big'");
    expect(() => parseArgs(['a.pth', '--model', 'swin-t', '--options', '{'])).toThrow('--options must be a JSON object');
  });

  it('writes a tfjs model folder that tf.loadLayersModel reads back with PyTorch\'s logits, and official-named safetensors', async () => {
    const lines: string[] = [];
    const out = await convert({ checkpoint: fixture('swin-timm.pth'), model: 'swin-t', out: dir, options }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/timm names; loaded 63 tensors/);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const bin = readFileSync(join(out, 'weights.bin'));
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }),
    );
    const x = images();
    const y = model.predict(x) as tf.Tensor;
    expect(maxDiff(y)).toBeLessThan(2e-4);
    tf.dispose([x, y]);
    model.dispose();

    const again = createBackbone('swin-t', { ...options, weights: join(out, 'model.safetensors') }); // a path, read by Node
    expect(again.loadReport?.naming).toBe('official');
    const x2 = images();
    const y2 = again.apply(x2) as tf.Tensor;
    expect(maxDiff(y2)).toBeLessThan(2e-4);
    tf.dispose([x2, y2]);
    again.dispose();
  });

  it('refuses a missing file, an unknown model, and a checkpoint of another model', async () => {
    await expect(convert({ checkpoint: join(dir, 'nothere.pth'), model: 'swin-t' }, () => {})).rejects.toThrow("checkpoint '" + join(dir, 'nothere.pth') + "' does not exist");
    await expect(convert({ checkpoint: fixture('swin-timm.pth'), model: 'swin-x' }, () => {})).rejects.toThrow(/unknown model 'swin-x'; known: .*swin-t/);
    await expect(convert({ checkpoint: fixture('swin-timm.pth'), model: 'swin-t' }, () => {})).rejects.toThrow(WeightLoadError);
  });

  it('createBackbone refuses bytes that are no checkpoint', () => {
    expect(() => createBackbone('swin-t', { ...options, weights: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) })).toThrow(/neither a PyTorch checkpoint .* nor a safetensors file/);
  });
});
