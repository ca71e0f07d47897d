import type { Cost, CostShape } from '@attention-zoo/attention-core';

/**
 * Cost of a sparse layer whose queries each score `keysPerQuery` keys: the
 * four [dim, dim] projections, then q·k and a·v over those keys
 * (multiply-adds), and an estimate of the float32 activations of one forward
 * call: about 16 token-sized tensors (projections, head splits, padding,
 * output), about 10 of logits size per head (logits, mask, masked softmax
 * steps, weights), and the `keyCopies` block copies of K and V the pattern
 * gathers (3 for a window of neighbour blocks). Calibrated on the bench's
 * peak-memory measurements (local at N = 65,536: 1.7 GiB predicted, 1.9 GiB
 * measured); the bench uses it only to skip cases that cannot fit.
 */
export function projectionCost({ tokens: n, dim: d, numHeads: h, batch = 1 }: CostShape, keysPerQuery: number, keyCopies = 3): Cost {
  const kq = keysPerQuery;
  return {
    flops: batch * (4 * n * d * d + 2 * n * kq * d),
    activationBytes: 4 * batch * (16 * n * d + 10 * h * n * kq + 2 * keyCopies * n * d),
  };
}
