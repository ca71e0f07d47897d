import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WeightLoadError } from '@attention-zoo/attention-core';
import { createBackbone, tfjsModelArtifacts } from '../src/index.js';
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

  it('the CLI prints progress and exits 0; on a bad model it prints the reason and the usage and exits 1', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const cli = (...args: string[]) => spawnSync('pnpm', ['--silent', 'convert', ...args], { cwd: root, encoding: 'utf8' });
    const ok = cli(fixture('pvtv2-official.pth'), '--model', 'pvtv2-b0', '--out', join(dir, 'cli'), '--options', JSON.stringify({ imageSize: 64, depths: [1, 2, 1, 1], embedDims: [8, 16, 16, 24], numHeads: [1, 2, 2, 3], mlpRatios: [2, 2, 2, 2], numClasses: 3 }));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/reading .*pvtv2-official\.pth[\s\S]*official names; loaded \d+ tensors[\s\S]*wrote .*model\.json[\s\S]*wrote .*model\.safetensors/);
    const bad = cli(fixture('pvtv2-official.pth'), '--model', 'pvtv9');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/convert: unknown model 'pvtv9'[\s\S]*usage: pnpm convert/);
  }, 60_000);

  it('a features backbone exports as a multi-output tfjs model', async () => {
    const model = createBackbone('swin-t', { ...options, features: true, weights: fixture('swin-timm.pth') });
    const files = await tfjsModelArtifacts(model);
    const json = files.modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const bin = files.weightsBin;
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }));
    const x = images();
    const got = loaded.predict(x) as tf.Tensor[];
    const want = model.apply(x) as tf.Tensor[];
    expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
    got.forEach((g, i) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g, want[i]!))).dataSync()[0])).toBe(0));
    tf.dispose([x, ...got, ...want]);
    loaded.dispose();
    model.dispose();
  });

  it('createBackbone refuses bytes that are no checkpoint', () => {
    expect(() => createBackbone('swin-t', { ...options, weights: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) })).toThrow(/neither a PyTorch checkpoint .* nor a safetensors file/);
  });
});
