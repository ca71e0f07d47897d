import * as tf from '@tensorflow/tfjs-core';
import { headMatMul } from '../../ops/matmul.js';

export interface LinearAttentionKernelOptions {
  causal?: boolean;
  /** Added to the normaliser φ(q)ᵀΣφ(k). */
  eps: number;
  /** Chunk length C of the stock causal scan (the fused kernels scan token by token). */
  chunkSize?: number;
  /** `[batch, keys]` float 0/1: padded keys get φ(k) = 0. */
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
 * The linear-attention primitive as a chain of stock tfjs ops (Katharopoulos et al. 2020,
 * Eq. 5–9): the fallback on backends without the fused kernel, and the reference the kernels
 * are tested against. φ(q) `[B, H, N, m]`, φ(k) `[B, H, M, m]`, v `[B, H, M, dv]` → `[B, H, N, dv]`.
 * Non-causal: φ(K)ᵀ[V | 1] first. Causal: by chunks of C tokens, a C×C lower-triangular product
 * inside a chunk and an exclusive prefix sum of the chunk states across chunks.
 */
export function linearAttentionReference(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, v: tf.Tensor4D, options: LinearAttentionKernelOptions): tf.Tensor4D {
  const [batch, heads, queries] = phiQ.shape;
  const keys = phiK.shape[2];
  const dv = v.shape[3];
  return tf.tidy(() => {
    let k = phiK;
    if (options.keyPaddingMask) {
      const keep = tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [batch, 1, keys, 1]);
      k = tf.mul(phiK, keep);
    }
    const v1 = withOnes(v); // [B, H, M, dv+1]
    if (!options.causal) {
      const kv = headMatMul(k, v1, { transposeA: true }); // [B, H, m, dv+1] = [Σ φ(k)vᵀ | Σ φ(k)]
      return normalise(headMatMul(phiQ, kv) as tf.Tensor4D, dv, options.eps); // [B, H, N, dv]
    }
    return causalScan(phiQ, k, v1, dv, options.eps, Math.min(options.chunkSize ?? 64, queries), batch, heads);
  });
}

function causalScan(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, v1: tf.Tensor4D, dv: number, eps: number, c: number, b: number, h: number): tf.Tensor4D {
  const n = phiQ.shape[2];
  const m = phiQ.shape[3];
  const chunks = Math.ceil(n / c);
  const padded = chunks * c;
  // Zero padding at the end: padded keys add nothing, padded queries are cut off.
  const pad = (t: tf.Tensor4D): tf.Tensor4D => (padded === n ? t : tf.pad(t, [[0, 0], [0, 0], [0, padded - n], [0, 0]]));
  const g = b * h * chunks;
  const qc = tf.reshape(pad(phiQ), [g, c, m]); // [B·H·nc, C, m]
  const kc = tf.reshape(pad(phiK), [g, c, m]); // [B·H·nc, C, m]
  const vc = tf.reshape(pad(v1), [g, c, dv + 1]); // [B·H·nc, C, dv+1]

  // Across chunks: S_c = Σ_{c' < c} φ(K_c')ᵀ V_c' (exclusive prefix sum of chunk states).
  // The prefix sum runs over the last axis: tfjs 4.22's Cumsum gradient transposes its result
  // when the axis is not the last one, and fails (or is wrong) there.
  const states = tf.transpose(tf.reshape(tf.matMul(kc, vc, true, false), [b * h, chunks, m * (dv + 1)]), [0, 2, 1]); // [B·H, m·(dv+1), nc]
  const before = tf.reshape(tf.transpose(tf.cumsum(states, 2, true), [0, 2, 1]), [g, m, dv + 1]); // [B·H·nc, m, dv+1]
  const inter = tf.matMul(qc, before); // [B·H·nc, C, dv+1]

  // Inside a chunk: (φ(Q_c) φ(K_c)ᵀ ⊙ tril) V_c, a C×C product per chunk.
  const tril = tf.linalg.bandPart(tf.ones([c, c]), -1, 0); // [C, C]
  const intra = tf.matMul(tf.mul(tf.matMul(qc, kc, false, true), tril), vc); // [B·H·nc, C, dv+1]

  const o = tf.reshape(tf.add(inter, intra), [b, h, padded, dv + 1]);
  const cut = padded === n ? o : tf.slice(o, [0, 0, 0, 0], [b, h, n, dv + 1]);
  return normalise(cut as tf.Tensor4D, dv, eps);
}
