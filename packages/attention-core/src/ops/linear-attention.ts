import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';
import { headMatMul } from './matmul.js';
import { checkQKV } from './shapes.js';
import { checkKeyPaddingMask } from './masks.js';

export interface LinearAttentionOptions {
  /** Query i sees keys j ≤ i, computed by a chunked prefix sum (needs queries = keys). */
  causal?: boolean;
  /** Added to the normaliser φ(q)ᵀΣφ(k); default 1e-6 (fast-transformers, LRA). */
  eps?: number;
  /** Chunk length C of the causal scan; memory O(N·C + (N/C)·m·dv), default 64. */
  chunkSize?: number;
  /** `[batch, keys]`, 1 = real key, 0 = padding: padded keys get φ(k) = 0. */
  keyPaddingMask?: tf.Tensor2D;
}

/** `[..., tokens, dv]` → `[..., tokens, dv + 1]`: the ones column makes one product give Σφ(k)vᵀ and Σφ(k) together. */
function withOnes(v: tf.Tensor4D): tf.Tensor4D {
  const [b, h, m] = v.shape;
  return tf.concat([v, tf.ones([b, h, m, 1])], 3);
}

/** Splits `[..., dv + 1]` into numerator and normaliser and divides. */
function normalise(o: tf.Tensor4D, dv: number, eps: number): tf.Tensor4D {
  const [b, h, n] = o.shape;
  const num = tf.slice(o, [0, 0, 0, 0], [b, h, n, dv]);
  const den = tf.slice(o, [0, 0, 0, dv], [b, h, n, 1]);
  return tf.div(num, tf.add(den, eps));
}

/**
 * The kernelised linear-attention primitive (Katharopoulos et al. 2020, Eq. 5–6):
 *
 *   out_i = φ(q_i)ᵀ (Σ_j φ(k_j) v_jᵀ) / (φ(q_i)ᵀ Σ_j φ(k_j) + ε)
 *
 * on already feature-mapped inputs: φ(q) `[batch, heads, queries, m]`,
 * φ(k) `[batch, heads, keys, m]`, v `[batch, heads, keys, dv]` → `[batch, heads, queries, dv]`.
 * Non-causal: φ(K)ᵀV is formed first, O(N·m·dv) time and O(m·dv) state.
 * Causal (Eq. 8–9): sums over j ≤ i by chunks of C tokens: inside a chunk a
 * C×C lower-triangular product, across chunks an exclusive prefix sum of the
 * per-chunk states. Nothing of size N×N, nor N×m×dv, is ever built.
 * Feature maps must be non-negative for the normaliser to be meaningful.
 */
export function linearAttention(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  v: tf.Tensor4D,
  options: LinearAttentionOptions = {},
): tf.Tensor4D {
  const { batch, heads, queries, keys, dv } = checkQKV(phiQ, phiK, v, 'linearAttention');
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'linearAttention');
  const eps = options.eps ?? 1e-6;
  const chunk = options.chunkSize ?? 64;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new AttentionInputError(`linearAttention: chunkSize must be a positive integer, got ${chunk}`);
  }
  if (options.causal && queries !== keys) {
    throw new AttentionInputError(
      `linearAttention: causal mode needs as many queries as keys, got φ(q) ${shapeToString(phiQ.shape)} and φ(k) ${shapeToString(phiK.shape)}`,
    );
  }
  return tf.tidy(() => {
    let k = phiK;
    if (options.keyPaddingMask) {
      const keep = tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [batch, 1, keys, 1]);
      k = tf.mul(phiK, keep);
    }
    const v1 = withOnes(v); // [B, H, M, dv+1]
    if (!options.causal) {
      const kv = headMatMul(k, v1, { transposeA: true }); // [B, H, m, dv+1] = [Σ φ(k)vᵀ | Σ φ(k)]
      return normalise(headMatMul(phiQ, kv) as tf.Tensor4D, dv, eps); // [B, H, N, dv]
    }
    return causalScan(phiQ, k, v1, dv, eps, Math.min(chunk, queries), batch, heads);
  });
}

function causalScan(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  v1: tf.Tensor4D,
  dv: number,
  eps: number,
  c: number,
  b: number,
  h: number,
): tf.Tensor4D {
  const n = phiQ.shape[2];
  const m = phiQ.shape[3];
  const chunks = Math.ceil(n / c);
  const padded = chunks * c;
  // Zero padding at the end: padded keys add nothing, padded queries are cut off.
  const pad = (t: tf.Tensor4D): tf.Tensor4D =>
    padded === n ? t : tf.pad(t, [[0, 0], [0, 0], [0, padded - n], [0, 0]]);
  const g = b * h * chunks;
  const qc = tf.reshape(pad(phiQ), [g, c, m]); // [B·H·nc, C, m]
  const kc = tf.reshape(pad(phiK), [g, c, m]); // [B·H·nc, C, m]
  const vc = tf.reshape(pad(v1), [g, c, dv + 1]); // [B·H·nc, C, dv+1]

  // Across chunks: S_c = Σ_{c' < c} φ(K_c')ᵀ V_c' (exclusive prefix sum of chunk states).
  const states = tf.reshape(tf.matMul(kc, vc, true, false), [b * h, chunks, m * (dv + 1)]); // [B·H, nc, m·(dv+1)]
  const before = tf.reshape(tf.cumsum(states, 1, true), [g, m, dv + 1]); // [B·H·nc, m, dv+1]
  const inter = tf.matMul(qc, before); // [B·H·nc, C, dv+1]

  // Inside a chunk: (φ(Q_c) φ(K_c)ᵀ ⊙ tril) V_c, a C×C product per chunk.
  const tril = tf.linalg.bandPart(tf.ones([c, c]), -1, 0); // [C, C]
  const intra = tf.matMul(tf.mul(tf.matMul(qc, kc, false, true), tril), vc); // [B·H·nc, C, dv+1]

  const o = tf.reshape(tf.add(inter, intra), [b, h, padded, dv + 1]);
  const cut = padded === n ? o : tf.slice(o, [0, 0, 0, 0], [b, h, n, dv + 1]);
  return normalise(cut as tf.Tensor4D, dv, eps);
}

/**
 * The weights linear attention implies, A_ij = φ(q_i)ᵀφ(k_j) / Σ_j' φ(q_i)ᵀφ(k_j'),
 * as a dense `[batch, heads, queries, keys]` tensor — for inspection and rank
 * analysis at small N only; the attention itself never forms it.
 */
export function linearAttentionWeights(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  options: Omit<LinearAttentionOptions, 'chunkSize'> = {},
): tf.Tensor4D {
  const { batch, queries, keys } = checkQKV(phiQ, phiK, phiK, 'linearAttentionWeights');
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'linearAttentionWeights');
  const eps = options.eps ?? 1e-6;
  return tf.tidy(() => {
    let s = tf.matMul(phiQ, phiK, false, true); // [B, H, N, M]
    if (options.causal) s = tf.mul(s, tf.linalg.bandPart(tf.ones([queries, keys]), -1, 0));
    if (options.keyPaddingMask) {
      s = tf.mul(s, tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [batch, 1, 1, keys]));
    }
    return tf.div(s, tf.add(tf.sum(s, -1, true), eps)) as tf.Tensor4D;
  });
}

/** φ(x) = elu(x) + 1, the feature map of the Linear Transformer (Katharopoulos et al. 2020, §3.2.1). */
export function eluFeatureMap<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.add(tf.elu(x), 1) as T);
}
