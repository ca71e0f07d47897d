import * as tf from '@tensorflow/tfjs-core';
import { NumericsError, shapeToString } from './errors.js';

/** Counts of non-finite values in a tensor, and where the first one is. */
export interface NonFiniteReport {
  nan: number;
  inf: number;
  firstIndex: number[] | null;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx: number[] = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

function reportFrom(values: ArrayLike<number>, shape: readonly number[]): NonFiniteReport {
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) nan++;
    else if (x === Infinity || x === -Infinity) inf++;
    else continue;
    if (first < 0) first = i;
  }
  return { nan, inf, firstIndex: first < 0 ? null : unravel(first, shape) };
}

export function describeNonFinite(what: string, shape: readonly number[], r: NonFiniteReport): string {
  const parts = [r.nan ? `${r.nan} NaN` : '', r.inf ? `${r.inf} ±Inf` : ''].filter(Boolean).join(' and ');
  return `${what} contains ${parts} value${r.nan + r.inf === 1 ? '' : 's'} (shape ${shapeToString(shape)}; first at [${r.firstIndex?.join(', ')}])`;
}

/** Reads `t` back and reports NaN/Inf; `null` when all finite. Works on every backend. */
export async function findNonFinite(t: tf.Tensor): Promise<NonFiniteReport | null> {
  const r = reportFrom((await t.data()) as Float32Array, t.shape);
  return r.nan + r.inf === 0 ? null : r;
}

/** Throws `NumericsError` naming `what` if `t` holds NaN or ±Inf. */
export async function assertFinite(t: tf.Tensor, what: string): Promise<void> {
  const r = await findNonFinite(t);
  if (r) throw new NumericsError(describeNonFinite(what, t.shape, r));
}

/**
 * Whether the active backend can read back synchronously. WebGPU cannot in
 * Node (no OffscreenCanvas) and stalls the GPU pipeline in browsers, so
 * checks there are asynchronous.
 */
export function canReadSync(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** Throws `NumericsError` naming `what` if `t` holds NaN or ±Inf, reading back synchronously. */
export function checkFiniteNow(t: tf.Tensor, what: string): void {
  const flag = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(t))));
  const bad = flag.dataSync()[0] === 1;
  flag.dispose();
  if (bad) {
    const r = reportFrom(t.dataSync() as Float32Array, t.shape);
    throw new NumericsError(describeNonFinite(what, t.shape, r));
  }
}

/** Checks `t` once its data arrives (a copy is kept until then); resolves to the problem found, or null. */
export function checkFiniteLater(t: tf.Tensor, what: string): Promise<NumericsError | null> {
  const kept = tf.keep(t.clone());
  return findNonFinite(kept)
    .then((r) => (r ? new NumericsError(describeNonFinite(what, kept.shape, r)) : null))
    .finally(() => kept.dispose());
}
