import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { focusingReference, focusKernel, KERNEL_EPS, temperature } from '@attention-zoo/attention-core/kernels';

/** The `+1e-6` the official code adds after ReLU: keeps x/‖x‖ defined for an all-zero token. */
export { KERNEL_EPS };

function checkFocus(p: number, who: string): void {
  if (!(p > 0 && Number.isFinite(p))) throw new AttentionInputError(`${who}: focusing factor p must be a positive number, got ${p}`);
}

/**
 * The focusing function of FLatten (Han et al. 2023, Eq. 6) over the last axis:
 *
 *   f_p(x) = ‖x‖ / ‖x^p‖ · x^p      (x ≥ 0, element-wise power)
 *
 * It keeps the norm of x and sharpens its direction towards its largest
 * channels. Computed on x / max(x) (core's stock chain, kernels/focused-linear):
 * f_p is invariant to a positive rescaling of x inside the power, so this is the
 * same value, but x^p cannot overflow (the official Swin code uses the same trick).
 */
export function focusingFunction<T extends tf.Tensor>(x: T, p: number): T {
  checkFocus(p, 'focusingFunction');
  return focusingReference(x, p);
}

/**
 * φ_p of the official code (`FocusedLinearAttention.forward`): ReLU(x) + 1e-6,
 * divided by softplus(scale) — a learnable per-channel temperature the paper's
 * Eq. 6 does not show — then f_p with the norms over ALL channels of x (all
 * heads together, before the head split; issue #30 of the official repo).
 * Core's fused focusing kernel on wasm and webgpu (one pass, with its gradient),
 * its stock chain elsewhere.
 *
 * x `[..., C]`, rawScale `[C]` (the `scale` parameter before softplus) → `[..., C]`.
 */
export function focusedKernel<T extends tf.Tensor>(x: T, rawScale: tf.Tensor1D | undefined, p: number): T {
  checkFocus(p, 'focusedKernel');
  const c = x.shape[x.rank - 1]!;
  if (rawScale && (rawScale.rank !== 1 || rawScale.shape[0] !== c)) {
    throw new AttentionInputError(`focusedKernel: scale must be [C=${c}] (one value per channel), got [${rawScale.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const rows = tf.reshape(x, [1, -1, c]) as tf.Tensor3D; // [1, tokens, C]: the kernel walks rows of C
    return tf.reshape(focusKernel(rows, temperature(c, rawScale), undefined, p), x.shape) as T;
  });
}
