import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { checkQKV, linearAttention, shiftedExp } from '@attention-zoo/attention-core/ops';

export interface EfficientAttentionOptions {
  /** Key i's softmax over positions runs over j ≤ i only (a per-prefix normalisation). */
  causal?: boolean;
  /** `[batch, keys]`, 1 = real key: padded keys are left out of the softmax over positions. */
  keyPaddingMask?: tf.Tensor2D;
  /** Added to the normaliser, which is exactly 1 here (rows of ρ_q(Q)ρ_k(K)ᵀ sum to 1); default 1e-6. */
  eps?: number;
  chunkSize?: number;
}

/**
 * The two normalised feature maps of Efficient Attention (Shen et al. 2021,
 * Eq. 5): ρ_q(Q) = softmax of each query over its d features, ρ_k(K) = softmax
 * of each key feature over the N positions. Returned as φ(q) = ρ_q(q)/Z and
 * φ(k) = exp(k − c) with Z the (prefix, when causal) sum over positions of
 * exp(k − c), so φ(q)ᵀφ(k) = ρ_q(q)ᵀρ_k(k) and core's primitive computes both
 * forms: non-causal Z sums all keys, causal Z_i sums keys j ≤ i.
 */
export function efficientAttentionFeatures(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  options: Pick<EfficientAttentionOptions, 'causal' | 'keyPaddingMask'> = {},
): { phiQ: tf.Tensor4D; phiK: tf.Tensor4D } {
  const { batch, queries, keys } = checkQKV(q, k, k, 'efficientAttention');
  const mask = options.keyPaddingMask;
  if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== keys)) {
    throw new AttentionInputError(`efficientAttention: keyPaddingMask must be [batch, keys] = [${batch}, ${keys}], got [${mask.shape.join(', ')}]`);
  }
  if (options.causal && queries !== keys) {
    throw new AttentionInputError(`efficientAttention: causal mode needs as many queries as keys, got ${queries} and ${keys}`);
  }
  return tf.tidy(() => {
    const rhoQ = tf.softmax(q, -1); // ρ_q: over the features of each query, [B, H, N, d]
    // exp(k − c), c = max over (real) positions of each feature: the softmax's shift, cancels in ρ_k.
    const keep = mask ? tf.reshape(tf.cast(mask, 'float32'), [batch, 1, keys, 1]) : undefined;
    const masked = keep ? tf.add(k, tf.mul(tf.sub(keep, 1), 1e30)) : k;
    const e = shiftedExp(masked, 2).exp as tf.Tensor4D; // [B, H, M, d], 0 for padded keys
    // Z: Σ_j exp(k_j − c) (non-causal, [B, H, 1, d]) or Σ_{j≤i} (causal, [B, H, N, d]);
    // the floor keeps a feature whose whole prefix underflowed finite (it then carries no weight).
    const z = tf.maximum(options.causal ? tf.cumsum(e, 2) : tf.sum(e, 2, true), 1e-30);
    return { phiQ: tf.div(rhoQ, z) as tf.Tensor4D, phiK: e };
  });
}

/**
 * Efficient Attention (Shen et al. 2021, "Efficient Attention: Attention with
 * Linear Complexities", Eq. 5): E(Q, K, V) = ρ_q(Q)(ρ_k(K)ᵀV), softmax
 * normalisation, per head, no 1/√d scale (as the official code). O(N·d²)
 * time, O(N·d) memory. Causal: ρ_k over j ≤ i, by prefix sums.
 * q, k `[B, H, N|M, d]`, v `[B, H, M, dv]` → `[B, H, N, dv]`.
 */
export function efficientAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: EfficientAttentionOptions = {}): tf.Tensor4D {
  checkQKV(q, k, v, 'efficientAttention');
  return tf.tidy(() => {
    const { phiQ, phiK } = efficientAttentionFeatures(q, k, options);
    return linearAttention(phiQ, phiK, v, {
      causal: options.causal,
      eps: options.eps ?? 1e-6,
      chunkSize: options.chunkSize,
      keyPaddingMask: options.keyPaddingMask,
    });
  });
}

/**
 * One token of causal Efficient Attention (Eq. 5 with ρ_k over j ≤ t) as a recurrence: per
 * head the sums S = Σ_j exp(k_j − m)v_jᵀ `[d, dv]` and z = Σ_j exp(k_j − m) `[1, d]`, rebased
 * on the running maximum m of each key feature so no term overflows or underflows:
 * out_t = (ρ_q(q_t)/z) S / ((ρ_q(q_t)/z)·z + ε). q, k `[B, H, 1, d]`, v `[B, H, 1, dv]`.
 */
export function efficientAttentionStep(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  state: { s: tf.Tensor4D; z: tf.Tensor4D; m: tf.Tensor4D },
  eps: number,
): { out: tf.Tensor4D; s: tf.Tensor4D; z: tf.Tensor4D; m: tf.Tensor4D } {
  return tf.tidy(() => {
    const m = tf.maximum(state.m, k) as tf.Tensor4D; // [B, H, 1, d]
    const rebase = tf.exp(tf.sub(state.m, m)); // exp(m_old − m_new) ≤ 1
    const e = tf.exp(tf.sub(k, m)); // exp(k_t − m_new)
    const s = tf.add(tf.mul(state.s, tf.transpose(rebase, [0, 1, 3, 2])), tf.matMul(e, v, true, false)) as tf.Tensor4D; // [B, H, d, dv]
    const z = tf.add(tf.mul(state.z, rebase), e) as tf.Tensor4D; // [B, H, 1, d]
    const phiQ = tf.div(tf.softmax(q, -1), tf.maximum(z, 1e-30)); // ρ_q(q_t) / z, as the parallel form's floor
    const out = tf.div(tf.matMul(phiQ, s), tf.add(tf.sum(tf.mul(phiQ, z), -1, true), eps)) as tf.Tensor4D;
    return { out, s, z, m };
  });
}
