import * as tf from '@tensorflow/tfjs-core';
import { checkQKV, linearAttention, linearAttentionWeights } from '@attention-zoo/attention-core/ops';

/** The `+1e-6` in the official normaliser z = 1 / (φ(q)·mean φ(k) + 1e-6). */
export const NORMALISER_EPS = 1e-6;

/**
 * Linear attention on focused features, per head, as the official code
 * computes it since its 2024 numerics fix (Han et al. 2023, Eq. 4):
 *
 *   z   = 1 / (φ(Q) · mean_j φ(K_j)ᵀ + 1e-6)        [B, h, N, 1]
 *   KV  = (φ(K) · n^-½)ᵀ (V · n^-½)   = φ(K)ᵀV / n  [B, h, d, d]
 *   out = φ(Q) KV ⊙ z                              [B, h, N, d]
 *
 * computed as the algebraically identical φ(Q)φ(K)ᵀV / (φ(Q)·Σφ(K) + n·1e-6).
 * φ(K)ᵀV is formed first: O(N·d²) time and O(d²) state per head, never N×n.
 * Causal (an extension beyond the paper): token i uses keys j ≤ i through
 * core's chunked prefix-sum scan, normaliser φ(q_i)·Σ_{j≤i}φ(k_j) + 1e-6.
 *
 * φq `[B, h, N, d]`, φk `[B, h, n, d]`, v `[B, h, n, dv]` → `[B, h, N, dv]`.
 */
export function focusedLinearCore(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  v: tf.Tensor4D,
  options: { causal?: boolean; chunkSize?: number } = {},
): tf.Tensor4D {
  const { keys: n } = checkQKV(phiQ, phiK, v, 'focusedLinearCore');
  if (options.causal) return linearAttention(phiQ, phiK, v, { causal: true, eps: NORMALISER_EPS, chunkSize: options.chunkSize });
  // (φ(Q)·φ(K)ᵀV/n) ⊙ 1/(φ(Q)·Σφ(K)/n + 1e-6) = φ(Q)φ(K)ᵀV / (φ(Q)·Σφ(K) + n·1e-6):
  // the same value as core's linearAttention with ε = n·1e-6, which gets φ(K)ᵀV and
  // Σφ(K) from one product (ones column) through the backend's fastest per-head matMul.
  // The official n^-½ pre-scaling only guards fp16 overflow; everything here is float32.
  return linearAttention(phiQ, phiK, v, { eps: n * NORMALISER_EPS });
}

/**
 * The weights focused linear attention implies, A_ij = φ(q_i)·φ(k_j) / (n·(φ(q_i)·mean φ(k) + 1e-6)),
 * so that focusedLinearCore = A·V: dense `[B, h, N, n]`, for analysis at small N only.
 */
export function focusedLinearWeights(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, options: { causal?: boolean } = {}): tf.Tensor4D {
  const { keys: n } = checkQKV(phiQ, phiK, phiK, 'focusedLinearWeights');
  if (options.causal) return linearAttentionWeights(phiQ, phiK, { causal: true, eps: NORMALISER_EPS });
  return tf.tidy(() => {
    const s = tf.matMul(phiQ, phiK, false, true); // φ(q_i)·φ(k_j): [B, h, N, n]
    const den = tf.add(tf.mul(tf.mean(s, -1, true), n), n * NORMALISER_EPS); // n·(φ(q_i)·mean φ(k) + 1e-6)
    return tf.div(s, den) as tf.Tensor4D;
  });
}
