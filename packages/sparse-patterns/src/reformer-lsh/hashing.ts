import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { mulberry32 } from '../shared/mulberry32.js';
import { checkInt } from '../shared/checks.js';

export interface RotationsOptions {
  numHeads: number;
  headDim: number;
  /** n_rounds: independent hash rounds. */
  numHashes: number;
  /** n_buckets; even (a random direction and its negation give two buckets). */
  numBuckets: number;
  seed: number;
}

/** Checks the bucket count: angular LSH needs an even number (Kitaev et al. 2020 §2). */
export function checkBuckets(op: string, numBuckets: unknown): number {
  const nb = checkInt(op, 'numBuckets', numBuckets, 2);
  if (nb % 2 !== 0) {
    throw new AttentionConfigError(`${op}: numBuckets must be even (angular LSH hashes by argmax over [xR; −xR], n_buckets/2 directions), got ${nb}`);
  }
  return nb;
}

/**
 * The random rotations R of angular LSH (Kitaev et al. 2020 §2, after Andoni
 * et al. 2015): i.i.d. N(0, 1) entries, `[heads, headDim, numHashes, numBuckets/2]`
 * (one set per head and hash round, as in trax/HF `random_rotations`), drawn on
 * the host from `seed` (mulberry32 + Box–Muller) so they are reproducible on
 * every backend. Returned as a flat Float32Array in that layout.
 */
export function lshRotations(o: RotationsOptions): Float32Array {
  const half = checkBuckets('lshRotations', o.numBuckets) / 2;
  const rand = mulberry32(o.seed);
  const out = new Float32Array(o.numHeads * o.headDim * o.numHashes * half);
  for (let i = 0; i < out.length; i++) {
    const u = 1 - rand(); // (0, 1]
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  return out;
}

/**
 * Angular LSH, Kitaev et al. 2020 Eq. (3): h(x) = argmax([xR; −xR]) per hash round.
 * x `[BH, N, d]` (BH = batch·heads, head-major inside each batch element),
 * rotations `[H, d, R, nb/2]` → buckets `[BH, R, N]` in 0 … nb − 1, as float32
 * (exact integers; float keeps every backend's index arithmetic on one dtype).
 * Tokens with `valid` 0 (padding) get bucket nb, past every real bucket, so
 * they sort last and never move a real token's chunk.
 */
export function hashBuckets(x: tf.Tensor3D, rotations: tf.Tensor4D, heads: number, valid?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [bh, n, d] = x.shape;
    const [, , r, half] = rotations.shape;
    const b = bh / heads;
    const rot = tf.broadcastTo(tf.reshape(rotations, [1, heads, d, r * half]), [b, heads, d, r * half]);
    const xr = tf.reshape(tf.matMul(tf.reshape(x, [b, heads, n, d]), rot), [bh, n, r, half]); // xR per round
    const buckets = firstArgMax(tf.concat([xr, tf.neg(xr)], 3) as tf.Tensor4D); // [BH, N, R]
    let out = tf.transpose(buckets, [0, 2, 1]) as tf.Tensor3D; // [BH, R, N]
    if (valid) out = tf.where(tf.notEqual(tf.reshape(valid, [bh, 1, n]), 0), out, tf.fill(out.shape, 2 * half));
    return out;
  });
}

/**
 * argmax over the last axis of `[A, B, C, K]` → `[A, B, C]` float32, ties to
 * the first index (as tf.argMax). Written with max and cumsum because casting
 * argMax's int32 output to float is broken on the tfjs webgpu backend (4.22).
 */
function firstArgMax(x: tf.Tensor4D): tf.Tensor3D {
  const k = x.shape[3];
  const isMax = tf.cast(tf.equal(x, tf.max(x, 3, true)), 'float32');
  const first = tf.mul(isMax, tf.cast(tf.equal(tf.cumsum(isMax, 3, true), 0), 'float32')); // only the first maximum
  return tf.sum(tf.mul(first, tf.range(0, k, 1, 'float32')), 3) as tf.Tensor3D;
}
