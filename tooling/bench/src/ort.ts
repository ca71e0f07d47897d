import type { AttentionLayer } from '@attention-zoo/attention-core';
import { onnxLayer, ONNX_VARIANTS } from './onnx/layers.js';

/** The parts of onnxruntime-node the bench uses (it is an optional dependency: typed here, loaded at run time). */
export interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
export interface Ort {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions?: { node?: string } };
}

/**
 * onnxruntime-node when it is installed (an optional dependency of the bench: pnpm installs it
 * with its CPU binaries, its GPU-binary download script does not run), else why not.
 */
export async function ortAvailable(load: (s: string) => Promise<unknown> = (s) => import(s)): Promise<{ ort: Ort; version: string } | { missing: string }> {
  try {
    const mod = (await load('onnxruntime-node')) as Ort & { default?: Ort };
    const ort = mod.InferenceSession ? mod : mod.default!;
    return { ort, version: ort.env.versions?.node ?? 'unknown' };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
      return { missing: 'onnxruntime-node is not installed (ONNXRUNTIME_NODE_INSTALL=skip pnpm --filter @attention-zoo/bench add -O onnxruntime-node)' };
    }
    return { missing: `onnxruntime-node failed to load: ${(e.message ?? String(err)).split('\n')[0]}` };
  }
}

/** onnxruntime with one intra-op and one inter-op thread, every graph optimisation on (its default for inference). */
export function ortSession(ort: Ort, model: Uint8Array): Promise<OrtSession> {
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

/** What ORT measured for one case. */
export interface OrtRecord {
  version: string;
  ms_median: number;
  ms_min: number;
  /** max |ours − ORT| / max |ORT| over the outputs of the same input. */
  rel_err: number;
}

export const ortVariants = (): readonly string[] => ONNX_VARIANTS;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Builds `layer` as an ONNX graph with its weights, runs it on `x` (`[B, N, C]` values),
 * compares with our output `ours`, and times `runs` forward calls after a warm-up.
 */
export async function measureOrt(
  ort: Ort,
  version: string,
  layer: AttentionLayer,
  x: Float32Array,
  dims: [number, number, number],
  ours: Float32Array,
  runs: number,
): Promise<OrtRecord> {
  const session = await ortSession(ort, await onnxLayer(layer, dims[0], dims[1]));
  try {
    const feeds = { x: new ort.Tensor('float32', x, dims) };
    const first = Object.values(await session.run(feeds))[0]!.data;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < first.length; i++) {
      diff = Math.max(diff, Math.abs(first[i]! - ours[i]!));
      scale = Math.max(scale, Math.abs(first[i]!));
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    return { version, ms_median: median(times), ms_min: Math.min(...times), rel_err: diff / Math.max(scale, 1e-30) };
  } finally {
    await session.release?.();
  }
}
