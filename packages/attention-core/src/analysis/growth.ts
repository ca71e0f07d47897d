/**
 * Least-squares slope of log y against log N: the growth exponent of a cost
 * (≈ 1 linear, ≈ 2 quadratic). Null with fewer than two usable points. Used by
 * the Node benchmark and the demo's complexity lab alike.
 */
export function growthExponent(points: readonly { n: number; y: number }[]): number | null {
  const p = points.filter((q) => q.n > 0 && q.y > 0 && Number.isFinite(q.y));
  if (p.length < 2) return null;
  const xs = p.map((q) => Math.log(q.n));
  const ys = p.map((q) => Math.log(q.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}
