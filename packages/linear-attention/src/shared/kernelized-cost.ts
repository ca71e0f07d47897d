import type { Cost, CostShape } from '@attention-zoo/attention-core';

/**
 * Forward cost of kernelised linear attention with m features per head
 * (one multiply-add = one FLOP): the four projections, φ(K)ᵀ[V | 1] on M keys
 * and φ(Q)·(that) on N queries, plus `featureFlops` per token and head for the
 * feature map itself. The causal scan adds a C×C product inside each chunk
 * (C = `chunkSize`, default 64). Memory: the tokens, the features and the
 * m×(dv+1) state per head — linear in N.
 */
export function kernelizedCost(shape: CostShape, m: number, featureFlops = 0): Cost {
  const { tokens: n, dim: d, numHeads: h, batch = 1 } = shape;
  const keys = shape.keyTokens ?? n;
  const dh = d / h;
  const c = Math.min(shape['chunkSize'] ?? 64, n);
  const causal = shape['causal'] ? 1 : 0;
  const mix = h * ((keys + n) * m * (dh + 1)) + causal * h * n * c * (m + dh + 1);
  return {
    flops: batch * (2 * n * d * d + 2 * keys * d * d + mix + h * (n + keys) * featureFlops),
    activationBytes: 4 * batch * ((3 * n + 2 * keys) * d + h * (n + keys) * m + h * m * (dh + 1) + causal * h * n * c),
  };
}
