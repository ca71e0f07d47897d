// `pnpm convert <checkpoint.pth|.safetensors> --model <name>`: a PyTorch checkpoint (official or timm
// names) → a tfjs layers-model folder (model.json + weights.bin) and model.safetensors (the state
// dict in the official names, float32), without Python.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSafetensors } from '@attention-zoo/attention-core/weights';
import { createBackbone, listBackbones, readCheckpoint, tfjsModelArtifacts, type CreateBackboneOptions } from '../src/index.js';

export interface ConvertOptions {
  checkpoint: string;
  model: string;
  /** Output folder. Default `<checkpoint name>-tfjs` beside the checkpoint. */
  out?: string;
  /** Model options (imageSize, numClasses, …) over the named configuration. */
  options?: CreateBackboneOptions;
  strict?: boolean;
}

const USAGE = `usage: pnpm convert <checkpoint.pth|.safetensors> --model <name> [--out <folder>] [--image-size N] [--num-classes N] [--options '<json>'] [--no-strict]
models: ${listBackbones().join(', ')}`;

class UsageError extends Error {}

export function parseArgs(argv: string[]): ConvertOptions {
  const o: Partial<ConvertOptions> & { options: CreateBackboneOptions } = { options: {} };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (v: string, flag: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--model') o.model = value(i++, a);
    else if (a === '--out') o.out = value(i++, a);
    else if (a === '--image-size') o.options.imageSize = int(value(i++, a), a);
    else if (a === '--num-classes') o.options.numClasses = int(value(i++, a), a);
    else if (a === '--no-strict') o.strict = false;
    else if (a === '--options') {
      const v = value(i++, a);
      try {
        Object.assign(o.options, JSON.parse(v));
      } catch {
        throw new UsageError(`--options must be a JSON object, got '${v}'`);
      }
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (o.checkpoint === undefined) o.checkpoint = a;
    else throw new UsageError(`one checkpoint only, got '${o.checkpoint}' and '${a}'`);
  }
  if (!o.checkpoint) throw new UsageError('no checkpoint given');
  if (!o.model) throw new UsageError('--model is required');
  return o as ConvertOptions;
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/** Converts one checkpoint; `log` receives the progress lines. Returns the output folder. */
export async function convert(o: ConvertOptions, log: (line: string) => void = console.log): Promise<string> {
  const path = resolve(o.checkpoint);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`checkpoint '${o.checkpoint}' does not exist`);
  }
  if (!listBackbones().includes(o.model)) throw new UsageError(`unknown model '${o.model}'; known: ${listBackbones().join(', ')}`);
  log(`reading ${o.checkpoint} (${mb(size)})`);
  const ckpt = readCheckpoint(readFileSync(path), o.checkpoint);
  log(`  ${ckpt.format}: ${ckpt.tensors.size} tensors`);
  log(`building ${o.model}${Object.keys(o.options ?? {}).length ? ` with ${JSON.stringify(o.options)}` : ''}`);
  const model = createBackbone(o.model, { ...o.options, weights: ckpt.tensors, weightsOptions: { strict: o.strict } });
  try {
    const r = model.loadReport!;
    log(`  ${r.naming} names; loaded ${r.loaded.length} tensors into ${model.weightPaths().length} weights (${(model.parameterCount() / 1e6).toFixed(2)} M parameters)`);
    for (const line of r.resized) log(`  resized ${line}`);
    if (r.recomputed.length) log(`  recomputed here: ${r.recomputed.length} buffers of another geometry`);
    if (r.unused.length) log(`  unused: ${r.unused.join(', ')}`);
    if (r.missing.length) log(`  missing (left at their initial values): ${r.missing.join(', ')}`);
    const out = resolve(o.out ?? join(resolve(path, '..'), `${basename(path).replace(/\.(pth|pt|bin|safetensors)$/, '')}-tfjs`));
    mkdirSync(out, { recursive: true });
    const files = await tfjsModelArtifacts(model);
    writeFileSync(join(out, 'model.json'), JSON.stringify(files.modelJson));
    writeFileSync(join(out, 'weights.bin'), files.weightsBin);
    log(`wrote ${join(out, 'model.json')} and weights.bin (${mb(files.weightsBin.byteLength)})`);
    const { tensors } = model.officialStateDict(ckpt.tensors);
    const floats = new Map([...tensors].filter(([, t]) => t.dtype === 'float32'));
    const st = await writeSafetensors(floats, { model: o.model, source: basename(path), naming: 'official' });
    writeFileSync(join(out, 'model.safetensors'), st);
    log(`wrote ${join(out, 'model.safetensors')} (${floats.size} tensors, official names, ${mb(st.byteLength)})`);
    return out;
  } finally {
    model.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await tf.setBackend('cpu');
  try {
    await convert(parseArgs(process.argv.slice(2)));
  } catch (err) {
    // core lists every missing key: keep each line readable, the count says how many more
    const lines = (err as Error).message.split('\n').map((l) => (l.length > 600 ? `${l.slice(0, 600)}… (${l.split(', ').length} keys)` : l));
    console.error(`convert: ${lines.join('\n')}`);
    if (!(err instanceof UsageError)) console.error(`(is the checkpoint a '${process.argv.includes('--model') ? process.argv[process.argv.indexOf('--model') + 1] : '?'}'? --model and --options must describe the checkpoint's model)`);
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(1);
  }
}
