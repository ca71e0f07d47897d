import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createAttention, getAttention, layoutConfig, type AttentionLayer } from '@attention-zoo/attention-core';
import { nearlySquareGrid } from '@attention-zoo/attention-core/ops';
import type { BenchMode, BenchRecord, BenchSetting } from './record.js';
import type { VariantOptions } from './variant-options.js';
import { measureOrt, ortVariants, type Ort } from './ort.js';

export interface BenchCase extends BenchSetting {
  /** Timed runs after the warm-up. */
  runs: number;
  /** Cases whose predicted activations (the variant's cost model) exceed this are skipped. */
  memoryBudgetBytes: number;
  /** The variant's layer options for this case (see variant-options.ts). */
  options?: VariantOptions;
  /** Also time the same layer in onnxruntime (forward), when it is installed and has an ONNX form of the variant. */
  ort?: { ort: Ort; version: string };
}

/** Activations above which a wasm case is not tried (its heap, with room for weights and fragmentation). */
const WASM_HEAP_BYTES = 3 * 2 ** 30;

/** The median of the timed runs (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The layer of `variant` at N tokens: a nearly square grid where it needs one, `maxTokens` = N where it needs that. */
export function benchLayer(variant: string, tokens: number, dim: number, numHeads: number, options: VariantOptions = {}): AttentionLayer {
  return createAttention(variant, {
    ...options,
    dim,
    numHeads,
    ...layoutConfig(getAttention(variant), { tokens, grid: nearlySquareGrid(tokens) }),
    seed: 0,
  });
}

/** One run: forward (read back), or forward + backward through every trainable weight. */
function runOnce(layer: AttentionLayer, x: tf.Tensor3D, mode: BenchMode): tf.Tensor[] {
  if (mode === 'forward') return [layer.apply(x) as tf.Tensor];
  const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  return [value, ...Object.values(grads)];
}

/** Our forward output on `x`, then the same layer in onnxruntime on the same input (see ort.ts). */
async function compareOrt(c: BenchCase, layer: AttentionLayer, x: tf.Tensor3D): Promise<BenchRecord['ort']> {
  const y = layer.apply(x) as tf.Tensor;
  const ours = (await y.data()) as Float32Array;
  y.dispose();
  return measureOrt(c.ort!.ort, c.ort!.version, layer, (await x.data()) as Float32Array, [c.batch, c.tokens, c.dim], ours, Math.max(c.runs, 3));
}

/** The kernels that took the most time in one profiled run, summed by name (where the time goes). */
async function topKernels(kernels: { name: string; kernelTimeMs: number | { error: string } | Promise<number | { error: string }> }[], top = 10): Promise<{ name: string; ms: number; calls: number }[]> {
  const by = new Map<string, { name: string; ms: number; calls: number }>();
  for (const k of kernels) {
    const t = await k.kernelTimeMs;
    const e = by.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
    e.ms += typeof t === 'number' ? t : 0;
    e.calls += 1;
    by.set(k.name, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((k) => ({ ...k, ms: Number(k.ms.toFixed(3)) }));
}

/** Warm-up, then `runs` timed runs; peak memory from `tf.profile` over one more run. */
export async function measure(c: BenchCase): Promise<BenchRecord> {
  const base = {
    variant: c.variant, backend: c.backend, tokens: c.tokens, dim: c.dim, numHeads: c.numHeads, batch: c.batch, mode: c.mode, runs: 0,
    ...(c.options && Object.keys(c.options).length ? { options: c.options } : {}),
  };
  const skip = (why: string): BenchRecord => ({
    ...base, ms_median: NaN, ms_min: NaN, ms_max: NaN, peak_bytes: NaN, rss_bytes: process.memoryUsage().rss, skipped: why,
  });
  const cost = getAttention(c.variant).cost({ ...c.options, tokens: c.tokens, dim: c.dim, numHeads: c.numHeads, batch: c.batch });
  const predicted = cost.activationBytes * (c.mode === 'train' ? 2 : 1);
  if (predicted > c.memoryBudgetBytes) {
    return skip(`predicted ${(predicted / 2 ** 30).toFixed(1)} GiB of activations > budget ${(c.memoryBudgetBytes / 2 ** 30).toFixed(1)} GiB`);
  }
  if (c.backend === 'wasm' && predicted > WASM_HEAP_BYTES) {
    // A wasm32 heap cannot grow past 4 GiB; running over it traps ("memory access out of
    // bounds") and leaves the backend unusable for every later case, so do not try.
    return skip(`predicted ${(predicted / 2 ** 30).toFixed(1)} GiB of activations > the ${WASM_HEAP_BYTES / 2 ** 30} GiB that wasm's 4 GiB heap can hold`);
  }
  let layer: AttentionLayer | undefined;
  const x = tf.randomNormal([c.batch, c.tokens, c.dim], 0, 1, 'float32', 7) as tf.Tensor3D;
  try {
    layer = benchLayer(c.variant, c.tokens, c.dim, c.numHeads, c.options);
    // Build the weights first: variableGrads collects the trainable variables that exist when it is called.
    tf.dispose(layer.apply(x) as tf.Tensor);
    const timed = async (): Promise<number> => {
      const t0 = performance.now();
      const outs = runOnce(layer!, x, c.mode);
      await Promise.all(outs.map((t) => t.data()));
      const ms = performance.now() - t0;
      tf.dispose(outs);
      return ms;
    };
    await timed(); // warm-up: builds weights, compiles kernels
    const times: number[] = [];
    for (let i = 0; i < c.runs; i++) times.push(await timed());
    const live = tf.memory().numBytes;
    const info = await tf.profile(async () => {
      const outs = runOnce(layer!, x, c.mode);
      await Promise.all(outs.map((t) => t.data()));
      tf.dispose(outs);
      return [] as unknown as tf.Tensor;
    });
    const ort = c.ort && ortVariants().includes(c.variant) ? await compareOrt(c, layer, x) : undefined;
    return {
      ...base,
      kernels: await topKernels(info.kernels),
      ...(ort ? { ort } : {}),
      runs: c.runs,
      ms_median: median(times),
      ms_min: Math.min(...times),
      ms_max: Math.max(...times),
      peak_bytes: Math.max(0, info.peakBytes - live),
      rss_bytes: process.memoryUsage().rss,
      load1: loadavg()[0],
    };
  } catch (err) {
    return skip(`error: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    // After a failed case disposal itself may throw (a trapped wasm heap): the case is
    // already recorded as skipped with its first error, which is the one worth reading.
    try {
      x.dispose();
      // A layer whose first call failed was never built, and tfjs-layers refuses to dispose it.
      if (layer?.built) layer.dispose();
    } catch {
      /* keep the case's own error */
    }
  }
}
