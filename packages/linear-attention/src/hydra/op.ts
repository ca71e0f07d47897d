import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

export interface HydraAttentionOptions {
  /** Token i sums keys j ≤ i only (a cumulative sum over tokens). */
  causal?: boolean;
  /** `[batch, keys]`, 1 = real key, 0 = padding. */
  keyPaddingMask?: tf.Tensor2D;
}

/** φ(x) = x/‖x‖₂ over the whole width (cosine-similarity kernel); ‖x‖ floored at 1e-12 like F.normalize. */
function l2Normalize(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-24))) as tf.Tensor3D;
}

/**
 * Hydra attention (Bolya et al. 2022, "Hydra Attention: Efficient Attention
 * with Many Heads", Eq. 8–10): as many heads as features (H = D) with the
 * cosine-similarity kernel φ(x) = x/‖x‖, which reduces to
 *
 *   out = φ(Q) ⊙ Σ_t φ(K)_t ⊙ V_t
 *
 * — one global feature vector, O(N·D) time and memory. Causal: Σ_{t ≤ i}, a
 * prefix sum over tokens. Whole-width tensors, since every channel is a head:
 * q `[B, N, D]`, k, v `[B, M, D]` → `[B, N, D]`.
 */
export function hydraAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, options: HydraAttentionOptions = {}): tf.Tensor3D {
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 3) {
      throw new AttentionInputError(`hydraAttention: ${name} must be [batch, tokens, dim], got ${t instanceof tf.Tensor ? `[${t.shape.join(', ')}]` : String(t)}`);
    }
  }
  const [b, n, d] = q.shape;
  const m = k.shape[1];
  if (k.shape[0] !== b || v.shape[0] !== b || k.shape[2] !== d || v.shape[2] !== d || v.shape[1] !== m) {
    throw new AttentionInputError(`hydraAttention: q [${q.shape.join(', ')}], k [${k.shape.join(', ')}] and v [${v.shape.join(', ')}] must share batch and width, and k, v their tokens`);
  }
  const mask = options.keyPaddingMask;
  if (mask && (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== m)) {
    throw new AttentionInputError(`hydraAttention: keyPaddingMask must be [batch, keys] = [${b}, ${m}], got [${mask.shape.join(', ')}]`);
  }
  if (options.causal && n !== m) throw new AttentionInputError(`hydraAttention: causal mode needs as many queries as keys, got ${n} and ${m}`);
  return tf.tidy(() => {
    let kv = tf.mul(l2Normalize(k), v) as tf.Tensor3D; // φ(K)_t ⊙ V_t, [B, M, D]
    if (mask) kv = tf.mul(kv, tf.reshape(tf.cast(mask, 'float32'), [b, m, 1]));
    const sum = options.causal ? tf.cumsum(kv, 1) : tf.sum(kv, 1, true); // [B, N, D] or [B, 1, D]
    return tf.mul(l2Normalize(q), sum) as tf.Tensor3D; // [B, N, D]
  });
}

/**
 * The weights Hydra implies for channel c: A^c_ij = φ(q_i)_c φ(k_j)_c
 * (H = D heads of width 1), `[B, D, N, M]`, dense — small N only, for inspection.
 */
export function hydraAttentionWeights(q: tf.Tensor3D, k: tf.Tensor3D, options: HydraAttentionOptions = {}): tf.Tensor4D {
  const [b, n, d] = q.shape;
  const m = k.shape[1];
  return tf.tidy(() => {
    const qh = tf.reshape(tf.transpose(l2Normalize(q), [0, 2, 1]), [b, d, n, 1]);
    const kh = tf.reshape(tf.transpose(l2Normalize(k), [0, 2, 1]), [b, d, 1, m]);
    let a = tf.mul(qh, kh); // [B, D, N, M]
    if (options.causal) a = tf.mul(a, tf.linalg.bandPart(tf.ones([n, m]), -1, 0));
    if (options.keyPaddingMask) a = tf.mul(a, tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [b, 1, 1, m]));
    return a as tf.Tensor4D;
  });
}

/**
 * One token of causal Hydra attention: the running sum Σ_{t≤i} φ(K)_t ⊙ V_t `[B, 1, D]` gains
 * this token's term, out_i = φ(q_i) ⊙ sum. q, k, v `[B, 1, D]`.
 */
export function hydraStep(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, sum: tf.Tensor3D): { out: tf.Tensor3D; sum: tf.Tensor3D } {
  return tf.tidy(() => {
    const next = tf.add(sum, tf.mul(l2Normalize(k), v)) as tf.Tensor3D;
    return { out: tf.mul(l2Normalize(q), next) as tf.Tensor3D, sum: next };
  });
}
