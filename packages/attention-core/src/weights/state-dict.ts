import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { WeightLoadError } from '../errors.js';
import type { HostTensor } from './safetensors.js';

/** Converts one PyTorch tensor into the tensors of one or more layer weights. */
export type WeightTransform = (t: HostTensor) => HostTensor[];

/** Where a state_dict key goes: a weight path, or paths with a transform. */
export type KeyMapEntry = string | { to: string | string[]; transform: WeightTransform };
export type StateDictKeyMap = Record<string, KeyMapEntry>;

/** Anything that exposes weights by path (attention layers, blocks, encoders). */
export interface WeightsByPath {
  name: string;
  weight(path: string): LayerVariable;
  weightPaths(): string[];
}

function permute(t: HostTensor, perm: number[]): HostTensor {
  const shape = perm.map((p) => t.shape[p]!);
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new (t.data.constructor as Float32ArrayConstructor)(t.data.length);
  const idx = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d]! * strides[perm[d]!]!;
    out[o] = t.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { ...t, shape, data: out };
}

function split0(t: HostTensor, parts: number): HostTensor[] {
  const rows = t.shape[0]!;
  if (rows % parts !== 0) throw new Error(`cannot split ${rows} rows into ${parts} equal parts`);
  const size = t.data.length / parts;
  return Array.from({ length: parts }, (_, i) => ({
    ...t,
    shape: [rows / parts, ...t.shape.slice(1)],
    data: t.data.slice(i * size, (i + 1) * size),
  }));
}

function expectRank(t: HostTensor, rank: number, what: string): void {
  if (t.shape.length !== rank) throw new Error(`${what} expects a rank-${rank} tensor, got shape [${t.shape.join(', ')}]`);
}

/**
 * Why a state_dict tensor cannot fill a float weight, or `undefined` when it can: integer and
 * boolean tensors are refused (a mask or an index buffer mapped onto a weight is a key-map
 * mistake, not data to cast), and the values must fill the shape.
 */
function hostTensorProblem(t: HostTensor): string | undefined {
  if (t.dtype !== 'float32' || !(t.data instanceof Float32Array)) {
    return `a ${t.sourceDtype ?? t.dtype} tensor cannot fill a float32 weight (integer and boolean tensors are refused)`;
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) return `shape [${t.shape.join(', ')}] needs ${count} values, the tensor holds ${t.data.length}`;
  return undefined;
}

/**
 * A key map re-rooted: its keys under `keyPrefix` (`layers.0.blocks.1.`), its weight
 * paths under `pathPrefix` (`layers/0/blocks/1/`), for a module inside a bigger one.
 */
export function nestKeyMap(map: StateDictKeyMap, keyPrefix: string, pathPrefix: string): StateDictKeyMap {
  const out: StateDictKeyMap = {};
  for (const [key, entry] of Object.entries(map)) {
    if (typeof entry === 'string') out[keyPrefix + key] = pathPrefix + entry;
    else out[keyPrefix + key] = { ...entry, to: Array.isArray(entry.to) ? entry.to.map((p) => pathPrefix + p) : pathPrefix + entry.to };
  }
  return out;
}

/** Layout conversions from PyTorch to tfjs. */
export const torch = {
  /** `nn.Linear.weight` `[out, in]` → kernel `[in, out]`. */
  linear: (t: HostTensor): HostTensor[] => (expectRank(t, 2, 'linear'), [permute(t, [1, 0])]),
  /** A fused `[n·out, in]` Linear weight (e.g. timm's `qkv`) → n kernels `[in, out]`. */
  linearSplit: (n: number): WeightTransform => (t) => (expectRank(t, 2, 'linearSplit'), split0(t, n).map((p) => permute(p, [1, 0]))),
  /** A fused `[n·out]` bias → n biases `[out]`. */
  split: (n: number): WeightTransform => (t) => split0(t, n),
  /** `nn.Conv2d.weight` `[out, in, kh, kw]` → `[kh, kw, in, out]`. */
  conv2d: (t: HostTensor): HostTensor[] => (expectRank(t, 4, 'conv2d'), [permute(t, [2, 3, 1, 0])]),
  /** Depthwise `nn.Conv2d.weight` (groups = channels) `[C, 1, kh, kw]` → tfjs depthwise kernel `[kh, kw, C, 1]`. */
  depthwiseConv2d: (t: HostTensor): HostTensor[] => {
    expectRank(t, 4, 'depthwiseConv2d');
    if (t.shape[1] !== 1) throw new Error(`depthwiseConv2d expects [C, 1, kh, kw], got [${t.shape.join(', ')}]`);
    return [permute(t, [2, 3, 0, 1])];
  },
  identity: (t: HostTensor): HostTensor[] => [t],
};

export interface LoadStateDictOptions {
  /** Prefix of this module's keys in the state_dict (e.g. `blocks.0.attn.`). */
  prefix?: string;
  /** Default true: keys of the state_dict under `prefix` that the map does not know, and mapped keys the state_dict lacks, are errors. */
  strict?: boolean;
}

export interface LoadStateDictReport {
  loaded: string[];
  /** Mapped keys absent from the state_dict (only when strict is false). */
  missing: string[];
  /** state_dict keys under the prefix that the map does not know (only when strict is false). */
  unexpected: string[];
}

/**
 * Loads a PyTorch `state_dict` (e.g. from `readSafetensors`) into a layer's
 * weights through a key map: `{ 'qkv.weight': { to: ['q/kernel', 'k/kernel', 'v/kernel'], transform: torch.linearSplit(3) } }`.
 * Everything is checked before anything is written — missing keys, unknown
 * keys and shape mismatches are reported together in one `WeightLoadError`
 * listing the keys — so a failed load leaves the layer as it was.
 */
export function loadStateDict(
  target: WeightsByPath,
  stateDict: Map<string, HostTensor> | Record<string, HostTensor>,
  keyMap: StateDictKeyMap,
  options: LoadStateDictOptions = {},
): LoadStateDictReport {
  const prefix = options.prefix ?? '';
  const strict = options.strict ?? true;
  const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
  const missing: string[] = [];
  const problems: string[] = [];
  const writes: [LayerVariable, HostTensor][] = [];
  const loaded: string[] = [];
  const written = new Map<string, string>();
  const known = new Set(target.weightPaths());
  for (const [key, entry] of Object.entries(keyMap)) {
    const src = sd.get(prefix + key);
    if (!src) {
      missing.push(prefix + key);
      continue;
    }
    const paths = typeof entry === 'string' ? [entry] : Array.isArray(entry.to) ? entry.to : [entry.to];
    const transform = typeof entry === 'string' ? torch.identity : entry.transform;
    let converted: HostTensor[];
    try {
      converted = transform(src);
    } catch (err) {
      problems.push(`${prefix + key} [${src.shape.join(', ')}]: ${(err as Error).message}`);
      continue;
    }
    if (converted.length !== paths.length) {
      problems.push(`${prefix + key}: the transform gave ${converted.length} tensors for ${paths.length} weights`);
      continue;
    }
    for (const [i, path] of paths.entries()) {
      if (!known.has(path)) {
        problems.push(`${prefix + key} → '${path}': the layer has no such weight (it has: ${[...known].join(', ')})`);
        continue;
      }
      const w = target.weight(path);
      const got = converted[i]!;
      const badConverted = hostTensorProblem(got);
      if (badConverted) {
        problems.push(`${prefix + key} → '${path}': ${badConverted}`);
        continue;
      }
      if (written.has(path)) {
        problems.push(`${prefix + key} → '${path}': '${path}' is also written by ${written.get(path)}`);
        continue;
      }
      written.set(path, prefix + key);
      if (got.shape.length !== w.shape.length || got.shape.some((d, j) => d !== w.shape[j])) {
        problems.push(
          `${prefix + key} [${src.shape.join(', ')}] → '${path}': expected [${w.shape.join(', ')}], got [${got.shape.join(', ')}] after conversion`,
        );
        continue;
      }
      writes.push([w, got]);
    }
    loaded.push(prefix + key);
  }
  const mapped = new Set(Object.keys(keyMap).map((k) => prefix + k));
  const unexpected = [...sd.keys()].filter((k) => k.startsWith(prefix) && !mapped.has(k));
  const lines = [...problems];
  if (strict && missing.length) lines.push(`missing from the state_dict: ${missing.join(', ')}`);
  if (strict && unexpected.length) lines.push(`not used by this layer: ${unexpected.join(', ')}`);
  if (lines.length) {
    throw new WeightLoadError(`loading a state_dict into '${target.name}' failed; nothing was changed:\n  ${lines.join('\n  ')}`);
  }
  // Every value is made before the first write, so nothing is half-loaded if one fails.
  const values: tf.Tensor[] = [];
  try {
    for (const [, t] of writes) values.push(tf.tensor(t.data, t.shape, 'float32'));
    for (const [i, [w]] of writes.entries()) w.write(values[i]!);
  } finally {
    tf.dispose(values);
  }
  return { loaded, missing, unexpected };
}
