// Which measured sizes the growth exponent is fitted over. At small N a forward pass is
// dominated by fixed costs (kernel launches, read-back, the O(N·d²) projections), so a slope
// fitted there says little about how the attention itself grows: softmax read 0.30 on wasm
// from N = 16, 64. The lab fits only over N ≥ FIT_FROM.
import { growthExponent } from '@attention-zoo/attention-core/analysis';

/** Smallest N the exponent is fitted from. */
export const FIT_FROM = 256;

export interface Fit {
  /** The slope of log y on log N over `range`, or null with fewer than two usable points there. */
  exponent: number | null;
  /** `[smallest, largest]` N the fit used; null when it could not fit. */
  range: [number, number] | null;
}

/** The growth exponent over the points with N ≥ `from` (null when fewer than two of them). */
export function fitExponent(points: readonly { n: number; y: number }[], from = FIT_FROM): Fit {
  const used = points.filter((p) => p.n >= from && p.y > 0 && Number.isFinite(p.y));
  const exponent = growthExponent(used);
  if (exponent === null) return { exponent: null, range: null };
  const ns = used.map((p) => p.n);
  return { exponent, range: [Math.min(...ns), Math.max(...ns)] };
}
