import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';

/** The `+1e-6` the official code adds after ReLU: keeps x/‖x‖ defined for an all-zero token. */
export const KERNEL_EPS = 1e-6;

/** ‖x‖₂ over the last axis, kept: √Σx² (tf.norm adds an abs and a generic pow per element). */
function l2(x: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(x), -1, true));
}

/** x^p; a small integer p as repeated products (wasm's Pow is ~20× slower than a Multiply). */
function power(x: tf.Tensor, p: number): tf.Tensor {
  if (!Number.isInteger(p) || p > 8) return tf.pow(x, p);
  let y = x;
  for (let i = 1; i < p; i++) y = tf.mul(y, x);
  return y;
}

/**
 * The focusing function of FLatten (Han et al. 2023, Eq. 6) over the last axis:
 *
 *   f_p(x) = ‖x‖ / ‖x^p‖ · x^p      (x ≥ 0, element-wise power)
 *
 * It keeps the norm of x and sharpens its direction towards its largest
 * channels. Computed on x / max(x): f_p is invariant to a positive rescaling
 * of x inside the power, so this is the same value, but x^p cannot overflow
 * (the official Swin code uses the same trick for large p).
 */
export function focusingFunction<T extends tf.Tensor>(x: T, p: number): T {
  if (!(p > 0 && Number.isFinite(p))) throw new AttentionInputError(`focusingFunction: focusing factor p must be a positive number, got ${p}`);
  return tf.tidy(() => {
    const m = tf.max(x, -1, true); // [..., 1]
    const unit = tf.div(x, m); // x / max(x) ∈ (0, 1]
    const norm = tf.mul(l2(unit), m); // ‖x‖ = max(x)·‖x / max(x)‖, no x² overflow
    const xp = power(unit, p); // (x / max x)^p
    // ‖x‖ / ‖x^p‖ is one number per token: form it on [..., 1], then one full-size product.
    return tf.mul(xp, tf.div(norm, l2(xp))) as T; // ‖x‖ · x^p / ‖x^p‖
  });
}

/**
 * φ_p of the official code (`FocusedLinearAttention.forward`): ReLU(x) + 1e-6,
 * divided by softplus(scale) — a learnable per-channel temperature the paper's
 * Eq. 6 does not show — then f_p with the norms over ALL channels of x (all
 * heads together, before the head split; issue #30 of the official repo).
 *
 * x `[..., C]`, rawScale `[C]` (the `scale` parameter before softplus) → `[..., C]`.
 */
export function focusedKernel<T extends tf.Tensor>(x: T, rawScale: tf.Tensor1D | undefined, p: number): T {
  const c = x.shape[x.rank - 1];
  if (rawScale && (rawScale.rank !== 1 || rawScale.shape[0] !== c)) {
    throw new AttentionInputError(`focusedKernel: scale must be [C=${c}] (one value per channel), got [${rawScale.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    let y: tf.Tensor = tf.add(tf.relu(x), KERNEL_EPS); // ReLU(x) + 1e-6
    if (rawScale) y = tf.div(y, tf.softplus(rawScale)); // / softplus(scale), per channel
    return focusingFunction(y, p) as T;
  });
}
