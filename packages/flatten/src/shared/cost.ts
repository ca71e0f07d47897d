import type { Cost } from '@attention-zoo/attention-core';

export interface FocusedCostShape {
  /** Query tokens N. */
  tokens: number;
  /** Key/value tokens n (N unless K/V are reduced). */
  keyTokens: number;
  dim: number;
  numHeads: number;
  kernelSize: number;
  batch: number;
  /** MACs of the K/V reduction (PVT `sr` conv), 0 without one. */
  reductionFlops?: number;
  /** MACs of extra token-grid convs (CSwin's LePE), 0 without. */
  extraConvFlops?: number;
  /** Tokens the DWC runs on (N, or the patch tokens of the class-token form). */
  dwcTokens?: number;
}

/**
 * FLOPs of one FLatten module, counted as the official Swin code's `flops()` and
 * fvcore count them (one multiply-add = one FLOP; matmuls, linears and convs;
 * element-wise ops, norms and means not counted):
 *
 *   q, k, v, proj     N·C² + 2·n·C² + N·C²
 *   z = φ(Q)·mean φ(K) h·N·d = N·C
 *   φ(K)ᵀV            h·n·d² = n·C·d
 *   φ(Q)(φ(K)ᵀV)      h·N·d² = N·C·d
 *   DWC(V)            N·C·k²  (depthwise: out elements × k²)
 *
 * Windowed forms (Swin) sum the same terms over windows, which gives the same total.
 */
export function focusedCost(s: FocusedCostShape): Cost {
  const { tokens: n, keyTokens: m, dim: c, numHeads: h, kernelSize: k, batch } = s;
  const d = c / h;
  const dwcTokens = s.dwcTokens ?? n;
  const flops =
    2 * n * c * c + 2 * m * c * c + (s.reductionFlops ?? 0) + n * c + m * c * d + n * c * d + dwcTokens * c * k * k + (s.extraConvFlops ?? 0);
  // q, k, v, φ(q), φ(k), the attention output, DWC(V), their sum and the projection; one d×d state per head.
  const activationBytes = 4 * batch * ((6 * n + 4 * m) * c + h * d * d);
  return { flops: batch * flops, activationBytes };
}
