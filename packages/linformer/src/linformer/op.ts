import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import {
  checkKeyPaddingMask,
  checkQKV,
  headMatMul,
  scaledDotProductAttention,
  softmaxAttentionWeights,
} from '@attention-zoo/attention-core/ops';

/** A sequence projection: `[k, n]` shared by every head, or `[heads, k, n]` one per head. */
export type SequenceProjection = tf.Tensor2D | tf.Tensor3D;

export interface LinformerOptions {
  /** E ∈ R^{k×n}: projects the keys along the sequence axis; only its first M columns are used for M keys. */
  e: SequenceProjection;
  /** F ∈ R^{k×n} for the values; default E (key-value sharing). */
  f?: SequenceProjection;
  /** Logit scale; default 1/√headDim. */
  scale?: number;
  /** `[batch, keys]`, 1 = real key: padded key and value rows are zeroed before the projection. */
  keyPaddingMask?: tf.Tensor2D;
  /** Dropout on the `[queries, k]` attention weights, applied only when `training`. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/** Checks a projection against the keys and heads and slices its first `m` columns: `[1, 1|heads, k, m]`. */
function firstColumns(p: SequenceProjection, what: string, heads: number, m: number): tf.Tensor4D {
  if (p.rank !== 2 && p.rank !== 3) {
    throw new AttentionInputError(`linformerAttention: ${what} must be [k, n] or [heads, k, n], got shape [${p.shape}]`);
  }
  const [h, k, n] = p.rank === 2 ? [1, ...p.shape] : p.shape;
  if (p.rank === 3 && h !== heads) {
    throw new AttentionInputError(`linformerAttention: ${what} has ${h} heads but q, k, v have ${heads}`);
  }
  if (m > n!) {
    throw new AttentionInputError(`linformerAttention: ${m} keys but ${what} covers only ${n} positions (maxTokens); inputs longer than ${what}'s columns cannot be projected`);
  }
  const begin = p.rank === 2 ? [0, 0] : [0, 0, 0];
  const size = p.rank === 2 ? [k!, m] : [h!, k!, m];
  return tf.tidy(() => tf.reshape(tf.slice(p, begin, size), [1, h!, k!, m]) as tf.Tensor4D);
}

/**
 * `E·K`: `[1, 1|heads, k, m]` × `[batch, heads, m, d]` → `[batch, heads, k, d]`.
 * E is tiled over batch (and heads) rather than broadcast: tfjs's BatchMatMul
 * gradient does not reduce broadcast batch dims. The tile is O(k·M) per head.
 */
function projectSequence(e: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  const [b, h] = x.shape;
  return headMatMul(tileHeads(e, b, h), x) as tf.Tensor4D; // per head: the backend's fastest product
}

/**
 * `[1, 1|heads, k, m]` → `[batch, heads, k, m]` by concatenating copies: the same
 * values and gradient as `tf.tile`, whose wasm kernel is ~100× slower than a copy.
 */
function tileHeads(e: tf.Tensor4D, b: number, h: number): tf.Tensor4D {
  const reps = (h / e.shape[1]) * b;
  if (reps === 1) return e;
  const perHead = e.shape[1] === 1 ? tf.concat(Array<tf.Tensor4D>(h).fill(e), 1) : e; // [1, H, k, m]
  return (b === 1 ? perHead : tf.concat(Array<tf.Tensor4D>(b).fill(perHead as tf.Tensor4D), 0)) as tf.Tensor4D;
}

/** Zeroes the rows of padded keys (`[batch, m]` mask) so they add nothing to E·K or F·V. */
function zeroPadded(x: tf.Tensor4D, mask: tf.Tensor2D | undefined): tf.Tensor4D {
  if (!mask) return x;
  const [b, m] = mask.shape;
  return tf.mul(x, tf.reshape(tf.cast(mask, 'float32'), [b, 1, m, 1])) as tf.Tensor4D;
}

function checkMask(mask: tf.Tensor2D | undefined, batch: number, keys: number): void {
  if (mask) checkKeyPaddingMask(mask, batch, keys, 'linformerAttention');
}

/**
 * Linformer attention (Wang et al. 2020, Eq. 7):
 *   head_i = softmax(Q·(E_i·K)ᵀ / √d) · (F_i·V)
 * with E, F ∈ R^{k×n} projecting the M keys and values to k rows. Time O(N·k·d),
 * memory O(N·k): the N×M matrix is never formed. Heads-first
 * q `[batch, heads, N, d]`, k, v `[batch, heads, M, d]` → `[batch, heads, N, d]`.
 */
export function linformerAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: LinformerOptions): tf.Tensor4D {
  const { batch, heads, keys } = checkQKV(q, k, v, 'linformerAttention');
  checkMask(options.keyPaddingMask, batch, keys);
  return tf.tidy(() => {
    const e = firstColumns(options.e, 'E', heads, keys); // [1, 1|H, k, M]: the first M columns
    const f = options.f ? firstColumns(options.f, 'F', heads, keys) : e;
    const kc = projectSequence(e, zeroPadded(k, options.keyPaddingMask)); // K̄ = E·K: [B, H, k, d]
    const vc = projectSequence(f, zeroPadded(v, options.keyPaddingMask)); // V̄ = F·V: [B, H, k, d]
    return scaledDotProductAttention(q, kc, vc, {
      scale: options.scale,
      dropout: options.dropout,
      training: options.training,
      seed: options.seed,
    }); // softmax(Q K̄ᵀ/√d) V̄: [B, H, N, d]
  });
}

/**
 * The implied `[batch, heads, N, M]` weights A with `linformerAttention(q, k, v) = A·V`:
 * A = softmax(Q (E K)ᵀ/√d) · F · diag(mask). Dense, for `attentionMap` at small N.
 */
export function linformerAttentionWeights(q: tf.Tensor4D, k: tf.Tensor4D, options: Omit<LinformerOptions, 'dropout' | 'training' | 'seed'>): tf.Tensor4D {
  const { batch, heads, keys } = checkQKV(q, k, k, 'linformerAttentionWeights');
  checkMask(options.keyPaddingMask, batch, keys);
  return tf.tidy(() => {
    const e = firstColumns(options.e, 'E', heads, keys);
    const f = options.f ? firstColumns(options.f, 'F', heads, keys) : e;
    const kc = projectSequence(e, zeroPadded(k, options.keyPaddingMask)); // [B, H, k, d]
    const p = softmaxAttentionWeights(q, kc, { scale: options.scale }); // [B, H, N, k]
    const [b, h] = p.shape;
    let a = headMatMul(p, tileHeads(f, b, h)) as tf.Tensor4D; // [B, H, N, M]
    if (options.keyPaddingMask) {
      a = tf.mul(a, tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [batch, 1, 1, keys])) as tf.Tensor4D;
    }
    return a;
  });
}
