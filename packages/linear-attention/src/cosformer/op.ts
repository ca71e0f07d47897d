import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { checkQKV, eluFeatureMap, linearAttention } from '@attention-zoo/attention-core/ops';

/** cosFormer's non-negative map before re-weighting: ReLU (default) or 1 + elu (official `act_fun`). */
export type CosformerActivation = 'relu' | 'elu';

/**
 * cosFormer's features with the cos re-weighting folded in (Qin et al. 2022,
 * Eq. 9–11): cos(π/2·(i − j)/M) = cos(π i/2M)·cos(π j/2M) + sin(π i/2M)·sin(π j/2M), so
 *
 *   x̃_i = [ψ(x_i)·sin(π i/2M), ψ(x_i)·cos(π i/2M)],   i = 1 … N,
 *
 * and x̃_iᵀỹ_j = ψ(x_i)ᵀψ(y_j)·cos(π/2·(i − j)/M). x `[B, H, N, d]` → `[B, H, N, 2d]`.
 * `start`: the position of x's first token (decoding one token at a time).
 */
export function cosformerFeatureMap(x: tf.Tensor4D, length: number, activation: CosformerActivation = 'relu', start = 0): tf.Tensor4D {
  const n = x.shape[2];
  if (!(Number.isInteger(length) && length >= start + n)) {
    throw new AttentionInputError(`cosformerFeatureMap: the re-weighting length M must be an integer ≥ the ${n} tokens (cos(π/2·(i−j)/M) must stay ≥ 0), got ${length}`);
  }
  return tf.tidy(() => {
    const psi = activation === 'relu' ? tf.relu(x) : eluFeatureMap(x); // [B, H, N, d]
    const angle = Array.from({ length: n }, (_, i) => (Math.PI / 2) * ((start + i + 1) / length)); // positions 1 … N, as the official code
    const sin = tf.tensor4d(angle.map(Math.sin), [1, 1, n, 1]);
    const cos = tf.tensor4d(angle.map(Math.cos), [1, 1, n, 1]);
    return tf.concat([tf.mul(psi, sin), tf.mul(psi, cos)], 3) as tf.Tensor4D; // [B, H, N, 2d]
  });
}

export interface CosformerAttentionOptions {
  causal?: boolean;
  /** M of the re-weighting; default max(queries, keys) as the official code. Fix it (≥ every length) for streaming causal use. */
  length?: number;
  activation?: CosformerActivation;
  /** Added to the normaliser; default 1e-6 (the official code clamps it at 1e-6 instead). */
  eps?: number;
  chunkSize?: number;
  keyPaddingMask?: tf.Tensor2D;
}

/**
 * cosFormer attention (Qin et al. 2022, "cosFormer: Rethinking Softmax in
 * Attention", Eq. 11): out_i = Σ_j ψ(q_i)ᵀψ(k_j) cos(π/2·(i−j)/M) v_j / Σ_j (same),
 * computed as linear attention on the 2d sin/cos features: the cos and sin
 * terms are each a linear-attention product (non-causal: φ(K)ᵀV first;
 * causal: core's chunked prefix sums — the official code's cumsum over
 * N×2d×d outer products is never built). q, k `[B, H, N|M, d]` → `[B, H, N, dv]`.
 */
export function cosformerAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: CosformerAttentionOptions = {}): tf.Tensor4D {
  const { queries, keys } = checkQKV(q, k, v, 'cosformerAttention');
  const m = options.length ?? Math.max(queries, keys);
  if (!(Number.isInteger(m) && m >= Math.max(queries, keys))) {
    throw new AttentionInputError(`cosformerAttention: length M must be an integer ≥ max(queries ${queries}, keys ${keys}), got ${m}`);
  }
  return tf.tidy(() =>
    linearAttention(cosformerFeatureMap(q, m, options.activation), cosformerFeatureMap(k, m, options.activation), v, {
      causal: options.causal,
      eps: options.eps ?? 1e-6,
      chunkSize: options.chunkSize,
      keyPaddingMask: options.keyPaddingMask,
    }),
  );
}
