import type { Cost, CostShape } from '@attention-zoo/attention-core';
import type { SynthesizerComponent } from './synthesizer-layer.js';

/**
 * Forward cost of a synthesizer with the given components (one multiply-add = one FLOP).
 * Shared: the v and out projections (2·N·d²) and A·V (N²·d). Per component:
 * dense N·d² + N·d·N, random nothing, factorized random N²·k per head,
 * factorized dense N·d² + N·d·(a+b) + N²·h, dot 2·N·d² + N²·d.
 */
export function synthesizerCost(shape: CostShape, components: readonly SynthesizerComponent[]): Cost {
  const { tokens: n, dim: d, numHeads: h, batch = 1 } = shape;
  const k = shape['k'] ?? 8;
  const ab = 2 * Math.sqrt(n);
  let flops = 2 * n * d * d + n * n * d;
  let logits = 0;
  for (const c of components) {
    logits += h * n * n;
    if (c === 'dense') flops += n * d * d + n * d * n;
    if (c === 'factorized-random') flops += h * n * n * k;
    if (c === 'factorized-dense') flops += n * d * d + n * d * ab + h * n * n;
    if (c === 'dot') flops += 2 * n * d * d + n * n * d;
  }
  // v, mixed and output tokens; each component's logits; the summed logits and weights.
  return { flops: batch * flops, activationBytes: 4 * batch * (3 * n * d + logits + 2 * h * n * n) };
}
