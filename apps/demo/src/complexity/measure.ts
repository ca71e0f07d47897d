// Forward time and peak tensor memory of one variant at one length, on the active backend.
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayer, RegisteredAttention } from '@attention-zoo/attention-core';
import { nearlySquareGrid } from '@attention-zoo/attention-core/ops';
import { checkpoint, isCancelled } from '../job.js';
import { buildLayer } from '../layers.js';

export interface BenchPoint {
  variant: string;
  backend: string;
  tokens: number;
  /** Median wall time of one forward pass in ms, read-back included. */
  ms?: number;
  /** Peak bytes of the tensors the forward pass holds at once, above what existed before (tf.profile). */
  peakBytes?: number;
  error?: string;
}

export interface BenchShape {
  dim: number;
  numHeads: number;
  /** Timed passes after one warm-up (which compiles shaders and builds weights). */
  repeats: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Measures one point; throws `Cancelled` (between passes) once `signal` is aborted. */
export async function measurePoint(d: RegisteredAttention, tokens: number, shape: BenchShape, signal: AbortSignal): Promise<BenchPoint> {
  const base = { variant: d.name, backend: tf.getBackend(), tokens };
  const x = tf.randomNormal([1, tokens, shape.dim], 0, 1, 'float32', 1) as tf.Tensor3D;
  let layer: AttentionLayer | undefined;
  try {
    layer = buildLayer(d, { dim: shape.dim, numHeads: shape.numHeads, tokens, grid: nearlySquareGrid(tokens) }, x);
    const forward = async () => {
      const y = layer!.apply(x) as tf.Tensor;
      await y.data();
      y.dispose();
    };
    await forward(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < shape.repeats; i++) {
      await checkpoint(signal);
      const t0 = performance.now();
      await forward();
      times.push(performance.now() - t0);
    }
    await checkpoint(signal);
    const before = tf.memory().numBytes;
    const profile = await tf.profile(forward);
    const peakBytes = profile.kernels.length ? Math.max(0, profile.peakBytes - before) : 0;
    return { ...base, ms: median(times), peakBytes };
  } catch (err) {
    if (isCancelled(err)) throw err;
    return { ...base, error: (err as Error).message };
  } finally {
    x.dispose();
    layer?.dispose();
  }
}

