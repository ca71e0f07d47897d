import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { focusedLinearAttentionKernel } from '@attention-zoo/attention-core/kernels';

export interface FocusedLinearAttentionOptions {
  /** Number of heads h; channels split as c = head·(C/h) + j after the focusing function. */
  numHeads: number;
  /** The raw `scale` parameter `[C]` (softplus is applied inside); omitted = no temperature. */
  scale?: tf.Tensor1D;
  /** p of f_p; default 3 (the official default, paper Table 5). */
  focusingFactor?: number;
  /** Token i attends to keys j ≤ i (needs N = n); an extension beyond the paper. */
  causal?: boolean;
}

/**
 * Focused linear attention on projected tokens, as the official
 * `FocusedLinearAttention` computes it between its projections (no positional
 * encoding, no DWC branch — see `dwcBranch`):
 * φ_p(q), φ_p(k) over all C channels, then per head `focusedLinearCore`
 * (Eq. 4), as core's fused kernels.
 *
 * Tokens-first (unlike core's heads-first ops) because f_p's norms span all
 * heads: q `[B, N, C]`, k and v `[B, n, C]` → `[B, N, C]`.
 */
export function focusedLinearAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  options: FocusedLinearAttentionOptions,
): tf.Tensor3D {
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.rank !== 3) throw new AttentionInputError(`focusedLinearAttention: ${name} must be [batch, tokens, C], got shape [${t.shape.join(', ')}]`);
  }
  const c = q.shape[2];
  if (k.shape[2] !== c || v.shape[2] !== c) {
    throw new AttentionInputError(`focusedLinearAttention: q, k, v must have the same width C; got q [${q.shape}], k [${k.shape}], v [${v.shape}]`);
  }
  const h = options.numHeads;
  if (!Number.isInteger(h) || h < 1 || c % h !== 0) {
    throw new AttentionInputError(`focusedLinearAttention: C=${c} is not divisible by numHeads=${h}`);
  }
  const p = options.focusingFactor ?? 3;
  if (!(p > 0 && Number.isFinite(p))) throw new AttentionInputError(`focusedLinearAttention: focusingFactor must be a positive number, got ${p}`);
  if (options.scale && (options.scale.rank !== 1 || options.scale.shape[0] !== c)) {
    throw new AttentionInputError(`focusedLinearAttention: scale must be [C=${c}] (one value per channel), got [${options.scale.shape.join(', ')}]`);
  }
  // Core's kernels (fused φ_p, then the primitive per head with ε = n·1e-6, or 1e-6 causal):
  // the same value as splitHeads(focusedKernel(·)) + focusedLinearCore + mergeHeads.
  return focusedLinearAttentionKernel(q, k, v, { numHeads: h, scale: options.scale, focusingFactor: p, causal: options.causal });
}
