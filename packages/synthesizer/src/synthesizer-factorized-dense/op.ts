import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { dense, splitHeads } from '@attention-zoo/attention-core/ops';

export interface FactorizedDenseWeights {
  /** W₁ `[d, heads·hidden]`: the shared hidden layer σ_R(x W₁ + b₁). */
  w1: tf.Tensor2D;
  b1?: tf.Tensor1D;
  /** F_A `[heads, hidden, a]` and its bias `[heads, a]`. */
  wa: tf.Tensor3D;
  ba?: tf.Tensor2D;
  /** F_B `[heads, hidden, b]` and its bias `[heads, b]`; a·b = ℓ. */
  wb: tf.Tensor3D;
  bb?: tf.Tensor2D;
}

/** Per-head hidden → factor: `[B, H, N, hidden]` × `[H, hidden, f]` (+ `[H, f]`) → `[B, H, N, f]`. */
function factor(hid: tf.Tensor4D, w: tf.Tensor3D, b: tf.Tensor2D | undefined): tf.Tensor4D {
  const [h, , f] = w.shape;
  let y = tf.matMul(hid, tf.tile(tf.expandDims(w, 0), [hid.shape[0], 1, 1, 1])); // tiled: see syntheticAttention
  if (b) y = tf.add(y, tf.reshape(b, [1, h, 1, f]));
  return y as tf.Tensor4D;
}

/**
 * Factorized Dense Synthesizer logits (Tay et al. 2021, §3.1): per token and head
 * A = F_A(x_i) ∈ R^a, B = F_B(x_i) ∈ R^b with a·b = ℓ, and
 *   B_i = H_A(A) ⊙ H_B(B),
 * H_A repeating each entry of A b times and H_B tiling B a times, so entry
 * p·b + r of the row is A_p·B_r (the outer product A Bᵀ, flattened row-major).
 * F_A and F_B share the hidden layer σ_R(W₁x + b₁). The first M entries are the
 * logits over M keys: x `[batch, N, d]` → `[batch, heads, N, M]`.
 */
export function factorizedDenseLogits(x: tf.Tensor3D, weights: FactorizedDenseWeights, keys = x.shape[1]): tf.Tensor4D {
  const { w1, b1, wa, ba, wb, bb } = weights;
  if (x.rank !== 3) throw new AttentionInputError(`factorizedDenseLogits: x must be [batch, tokens, dim], got [${x.shape}]`);
  const [h, hidden, a] = wa.shape;
  const b = wb.shape[2];
  if (wb.shape[0] !== h || wb.shape[1] !== hidden || w1.shape[1] !== h * hidden || w1.shape[0] !== x.shape[2]) {
    throw new AttentionInputError(`factorizedDenseLogits: W1 [${w1.shape}], Wa [${wa.shape}], Wb [${wb.shape}] do not fit x [${x.shape}]`);
  }
  if (keys > a * b) throw new AttentionInputError(`factorizedDenseLogits: ${keys} keys but a·b = ${a}·${b} = ${a * b} logits (maxTokens)`);
  const [batch, n] = x.shape;
  return tf.tidy(() => {
    const hid = splitHeads(tf.relu(dense(x, w1, b1)) as tf.Tensor3D, h); // [B, H, N, hidden]
    const fa = factor(hid, wa, ba); // [B, H, N, a]
    const fb = factor(hid, wb, bb); // [B, H, N, b]
    const outer = tf.mul(tf.expandDims(fa, 4), tf.expandDims(fb, 3)); // H_A(A) ⊙ H_B(B): [B, H, N, a, b]
    return tf.slice(tf.reshape(outer, [batch, h, n, a * b]), [0, 0, 0, 0], [batch, h, n, keys]) as tf.Tensor4D;
  });
}
