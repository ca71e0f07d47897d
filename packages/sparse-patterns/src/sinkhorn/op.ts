import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { maskedSoftmax } from '@attention-zoo/attention-core/ops';
import { keyValid, mergeBatchHeads, toBlocks } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type PatternOptions } from '../shared/sources.js';

/** As the sinkhorn layer's schema (register.ts): more iterations are refused, not run for minutes. */
export const MAX_SINKHORN_ITERATIONS = 1000;

export interface SinkhornOptions extends PatternOptions {
  /** b: tokens per block; N must be a multiple. */
  blockSize: number;
  /** The sorting network's weight W `[headDim, headDim]`: R_IJ = (e^q_I W)·e^k_J / √d. */
  sortKernel: tf.Tensor2D;
  /** Sinkhorn iterations (row then column normalisation in log space). Default 8. */
  iterations?: number;
  /** τ: temperature of the sorting logits. Default 0.75. */
  temperature?: number;
  /** Logit scale of the attention; default 1/√headDim. */
  scale?: number;
  /**
   * Strictly causal form: block I's sorted block mixes only past blocks J < I,
   * with weights from past tokens only (the sorting network reads block I − 1),
   * normalised over rows only; the own block is causal inside. See `sortMatrix`.
   */
  causal?: boolean;
}

/**
 * Sinkhorn balancing in log space (Tay et al. 2020, Eq. 5–7; Mena et al. 2018):
 * from logits `[BH, nB, nB]`, `iterations` times normalise rows then columns,
 * log P ← log P − logsumexp_row; log P ← log P − logsumexp_col → a doubly
 * stochastic P, the relaxed permutation. nB × nB only: O((N/b)²).
 */
export function sinkhorn(logits: tf.Tensor3D, iterations: number): tf.Tensor3D {
  return tf.tidy(() => {
    let logP: tf.Tensor = logits;
    for (let t = 0; t < iterations; t++) {
      logP = tf.sub(logP, tf.logSumExp(logP, 2, true)); // rows
      logP = tf.sub(logP, tf.logSumExp(logP, 1, true)); // columns
    }
    return tf.exp(logP) as tf.Tensor3D;
  });
}

/**
 * The soft permutation of Sparse Sinkhorn attention, `[BH, nB, nB]`, from
 * blocked queries and keys `[BH, nB, b, d]` (padding already zeroed): block
 * embeddings by summing tokens per block (ψ, §3.1), a bilinear sorting network
 * R_IJ = (e^q_I W)·e^k_J / √d, Gumbel noise in training (§3.2), temperature τ,
 * then `sinkhorn`.
 */
export function sortMatrix(qB: tf.Tensor4D, kB: tf.Tensor4D, o: SinkhornOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const d = qB.shape[3];
    let eq = tf.sum(qB, 2) as tf.Tensor3D; // [BH, nB, d]
    const ek = tf.sum(kB, 2) as tf.Tensor3D;
    const [bh, nb] = eq.shape;
    // Causal: row I may depend on tokens before block I only, so it reads block I − 1's sum.
    if (o.causal) eq = tf.concat([tf.zeros([bh, 1, d]), tf.slice(eq, [0, 0, 0], [bh, nb - 1, d])], 1) as tf.Tensor3D;
    const wq = tf.reshape(tf.matMul(tf.reshape(eq, [bh * nb, d]), o.sortKernel), [bh, nb, d]);
    let r: tf.Tensor = tf.div(tf.matMul(wq, ek, false, true), Math.sqrt(d)); // [BH, nB, nB]
    if (o.training) {
      // Gumbel(0, 1) noise −log(−log u): sampling a permutation near the relaxed one (training only).
      const u = tf.randomUniform(r.shape, 1e-6, 1 - 1e-6, 'float32', o.seed);
      r = tf.add(r, tf.neg(tf.log(tf.neg(tf.log(u)))));
    }
    r = tf.div(r, o.temperature ?? 0.75);
    if (o.causal) {
      // Future and own blocks masked (J < I only). Only rows are normalised: a column sum would
      // couple row I to later rows, i.e. to the future. Row 0 has no past: all zeros.
      const past = new Uint8Array(nb * nb).map((_, t) => (t % nb < Math.floor(t / nb) ? 1 : 0));
      return maskedSoftmax(r, tf.tensor(past, [1, nb, nb], 'bool')) as tf.Tensor3D;
    }
    return sinkhorn(r as tf.Tensor3D, o.iterations ?? 8);
  });
}

/**
 * Sparse Sinkhorn attention (Tay et al. 2020, §3): the sequence is cut into
 * blocks of b; a sorting network gives a relaxed permutation P of the blocks
 * (`sortMatrix`), the key and value blocks are sorted by it, K̂_I = Σ_J P_IJ K_J,
 * and each query block attends its sorted block plus its own local block
 * (§3.4, the local + sorted variant): one softmax over the 2b keys.
 * q, k, v `[B, H, N, d]` → `[B, H, N, dv]`. Memory O(N·b + (N/b)²): never N × N.
 */
export function sinkhornAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: SinkhornOptions): tf.Tensor4D {
  const op = 'sinkhornAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, k, v, op);
  const b = checkInt(op, 'blockSize', options?.blockSize, 1);
  // The layer's schema bound: past ~1,000 log-space normalisations the plan no longer changes.
  if (checkInt(op, 'iterations', options.iterations ?? 8, 0) > MAX_SINKHORN_ITERATIONS) {
    throw new AttentionConfigError(`${op}: iterations must be at most ${MAX_SINKHORN_ITERATIONS}, got ${options.iterations}`);
  }
  const tau = options.temperature ?? 0.75;
  if (!(tau > 0 && Number.isFinite(tau))) throw new AttentionInputError(`${op}: temperature must be a positive finite number, got ${tau}`);
  checkMask(options.keyPaddingMask, batch, n, op);
  if (n % b !== 0) {
    throw new AttentionInputError(`${op}: ${n} tokens are not a multiple of blockSize ${b}; pad the sequence to ${Math.ceil(n / b) * b} tokens and pass a keyPaddingMask`);
  }
  if (!options.sortKernel || options.sortKernel.shape.join() !== [dk, dk].join()) {
    throw new AttentionInputError(`${op}: sortKernel must have shape [headDim, headDim] = [${dk}, ${dk}], got [${options.sortKernel?.shape}]`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const bh = batch * heads;
    const nb = n / b;
    const valid = keyValid(options.keyPaddingMask, batch, heads, n, n); // [BH, N]
    const valid3 = tf.reshape(valid, [bh, n, 1]);
    // Padding is zeroed before sorting, so it cannot reach a real token through a sorted block.
    const qB = toBlocks(mergeBatchHeads(q), b);
    const kB = toBlocks(tf.mul(mergeBatchHeads(k), valid3) as tf.Tensor3D, b); // [BH, nB, b, d]
    const vB = toBlocks(tf.mul(mergeBatchHeads(v), valid3) as tf.Tensor3D, b);
    const validB = tf.reshape(valid, [bh, nb, b]);
    const P = sortMatrix(tf.mul(qB, tf.reshape(validB, [bh, nb, b, 1])) as tf.Tensor4D, kB, options); // [BH, nB, nB]
    const sortBlocks = (x: tf.Tensor, w: number) => tf.reshape(tf.matMul(P, tf.reshape(x, [bh, nb, b * w])), [bh, nb, b, w]);
    const kS = sortBlocks(kB, dk); // K̂_I = Σ_J P_IJ K_J
    const vS = sortBlocks(vB, dv);
    // Sorted slot t mixes token t of every block (P > 0): it is a key unless all of those are padding.
    // (Read off the mask, not off P, so the mask stays a constant to autodiff.)
    let sortedReal: tf.Tensor = tf.reshape(tf.greater(tf.max(validB, 1), 0), [bh, 1, 1, b]);
    let localKeep: tf.Tensor = tf.reshape(tf.notEqual(validB, 0), [bh, nb, 1, b]);
    if (options.causal) {
      // Block 0 has no past block; inside the own block, keys j ≤ i.
      const hasPast = tf.tensor(Uint8Array.from({ length: nb }, (_, I) => (I > 0 ? 1 : 0)), [1, nb, 1, 1], 'bool');
      sortedReal = tf.logicalAnd(sortedReal, hasPast);
      const tri = Uint8Array.from({ length: b * b }, (_, t) => (t % b <= Math.floor(t / b) ? 1 : 0));
      localKeep = tf.logicalAnd(localKeep, tf.tensor(tri, [1, 1, b, b], 'bool'));
    }
    const qs = tf.mul(qB, scale);
    const out = attendOverSources(
      [
        { logits: tf.matMul(qs, kS, false, true), keep: sortedReal, mix: (w) => tf.matMul(w, vS) },
        { logits: tf.matMul(qs, kB, false, true), keep: localKeep, mix: (w) => tf.matMul(w, vB) },
      ],
      options,
    ); // [BH, nB, b, dv]
    return tf.reshape(out, [batch, heads, n, dv]) as tf.Tensor4D;
  });
}
