import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { OnnxGraph } from './onnx/graph.js';
import { ortSession, type Ort } from './ort.js';

/** The machine's limits, measured by the bench next to the cases they bound. */
export interface MachineLimits {
  /** GFLOP/s of one square float32 GEMM (2·n³ flops) on the tfjs backend at hand (best of runs). */
  backendGemm: { backend: string; n: number; gflops: number };
  /** The same GEMM in onnxruntime (MLAS, native SIMD with FMA), one thread: the native single-core limit. */
  nativeGemm?: { n: number; gflops: number };
  /** Copy bandwidth: GB/s of bytes read + written by a 256 MiB typed-array copy (memmove), best of runs. */
  copyGBs: number;
  load1: number;
}

const best = async (runs: number, f: () => Promise<void> | void): Promise<number> => {
  await f();
  let ms = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
};

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

/** GEMM throughput of the active tfjs backend and of onnxruntime (when given), and memory copy bandwidth. */
export async function measureMachine(ort?: Ort, n = 1024, runs = 5): Promise<MachineLimits> {
  const flops = 2 * n ** 3;
  const a = tf.tensor2d(random(n * n), [n, n]);
  const b = tf.tensor2d(random(n * n), [n, n]);
  const tfMs = await best(runs, async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  tf.dispose([a, b]);
  const limits: MachineLimits = { backendGemm: { backend: tf.getBackend(), n, gflops: flops / tfMs / 1e6 }, copyGBs: 0, load1: 0 };
  if (ort) {
    const g = new OnnxGraph('gemm');
    g.output(g.matMul(g.input('a', [n, n]), g.floats(random(n * n), [n, n])), [n, n]);
    const session = await ortSession(ort, g.encode());
    const feeds = { a: new ort.Tensor('float32', random(n * n), [n, n]) };
    const ms = await best(runs, async () => {
      await session.run(feeds);
    });
    await session.release?.();
    limits.nativeGemm = { n, gflops: flops / ms / 1e6 };
  }
  const bytes = 256 * 2 ** 20;
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4);
  const copyMs = await best(runs, () => dst.set(src));
  limits.copyGBs = (2 * bytes) / copyMs / 1e6;
  limits.load1 = loadavg()[0]!;
  return limits;
}
