import type { Cost, CostShape } from '@attention-zoo/attention-core';

/**
 * Cost of a sparse layer whose queries each score `keysPerQuery` keys: the
 * four [dim, dim] projections, then q·k and a·v over those keys
 * (multiply-adds), and the float32 activations: q, k, v, mixed and output
 * tokens plus logits and weights per head over the gathered keys — linear in N.
 */
export function projectionCost({ tokens: n, dim: d, heads: h, batch = 1 }: CostShape, keysPerQuery: number): Cost {
  const kq = keysPerQuery;
  return {
    flops: batch * (4 * n * d * d + 2 * n * kq * d),
    activationBytes: 4 * batch * (5 * n * d + 2 * h * n * kq + 2 * n * kq * d),
  };
}
