import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';
import { linearAttentionKernel } from '../kernels/linear-attention/index.js';
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
 * On wasm and webgpu a fused kernel computes it (with its gradient); elsewhere the
 * stock-op chain (`linearAttentionReference`).
 */
export function linearAttention(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  v: tf.Tensor4D,
  options: LinearAttentionOptions = {},
): tf.Tensor4D {
  const { batch, queries, keys } = checkQKV(phiQ, phiK, v, 'linearAttention');
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
  // The fused kernel of the active backend (wasm, webgpu), or the stock-op chain (kernels/linear-attention).
  return linearAttentionKernel(phiQ, phiK, v, { causal: options.causal, eps, chunkSize: chunk, keyPaddingMask: options.keyPaddingMask });
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

/**
 * The state of causal linear attention before the first token: S = [Σ φ(k)vᵀ | Σ φ(k)] = 0,
 * `[batch, heads, m, dv + 1]` (the normaliser is the last column).
 */
export function linearAttentionState(batch: number, heads: number, m: number, dv: number): tf.Tensor4D {
  return tf.zeros([batch, heads, m, dv + 1]);
}

/**
 * One token of causal linear attention as a recurrence (Katharopoulos et al. 2020, §3.4, Eq. 18–20):
 *
 *   S_i = S_{i−1} + φ(k_i)[v_i | 1]ᵀ,    out_i = φ(q_i)ᵀ S_i[:, :dv] / (φ(q_i)ᵀ S_i[:, dv] + ε)
 *
 * φ(q), φ(k) `[batch, heads, 1, m]`, v `[batch, heads, 1, dv]`, state `[batch, heads, m, dv + 1]`
 * → out `[batch, heads, 1, dv]` and the next state: O(m·dv) time and memory per token at any
 * position, the same values as `linearAttention(…, { causal: true, eps })` at that token.
 */
export function linearAttentionStep(
  phiQ: tf.Tensor4D,
  phiK: tf.Tensor4D,
  v: tf.Tensor4D,
  state: tf.Tensor4D,
  eps = 1e-6,
): { out: tf.Tensor4D; state: tf.Tensor4D } {
  const { queries, keys, dv } = checkQKV(phiQ, phiK, v, 'linearAttentionStep');
  if (queries !== 1 || keys !== 1) {
    throw new AttentionInputError(`linearAttentionStep: one token at a time, got φ(q) ${shapeToString(phiQ.shape)} and φ(k) ${shapeToString(phiK.shape)}`);
  }
  const [b, h, , m] = phiK.shape;
  if (state.rank !== 4 || state.shape.join() !== [b, h, m, dv + 1].join()) {
    throw new AttentionInputError(`linearAttentionStep: state must be [batch, heads, m, dv + 1] = ${shapeToString([b, h, m, dv + 1])}, got ${shapeToString(state.shape)}`);
  }
  return tf.tidy(() => {
    const v1 = tf.concat([v, tf.ones([b, h, 1, 1])], 3); // [v | 1]: one product gives Σφ(k)vᵀ and Σφ(k)
    const next = tf.add(state, tf.matMul(phiK, v1, true, false)) as tf.Tensor4D; // [B, H, m, dv+1]
    const o = tf.matMul(phiQ, next); // [B, H, 1, dv+1]
    const num = tf.slice(o, [0, 0, 0, 0], [b, h, 1, dv]);
    const den = tf.slice(o, [0, 0, 0, dv], [b, h, 1, 1]);
    return { out: tf.div(num, tf.add(den, eps)) as tf.Tensor4D, state: next };
  });
}
