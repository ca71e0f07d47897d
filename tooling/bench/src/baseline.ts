import type { BenchRecord } from './record.js';

export interface Regression {
  key: string;
  baselineMs: number;
  ms: number;
  /** ms / baselineMs − 1. */
  slowdown: number;
}

const keyOf = (r: BenchRecord) => `${r.variant} ${r.backend} ${r.mode} N=${r.tokens} d=${r.dim} h=${r.heads} b=${r.batch}`;

/** Cases measured in both runs whose median time grew by more than `threshold` (default 10%). */
export function regressions(current: readonly BenchRecord[], baseline: readonly BenchRecord[], threshold = 0.1): Regression[] {
  const base = new Map(baseline.filter((r) => !r.skipped).map((r) => [keyOf(r), r.ms_median]));
  const out: Regression[] = [];
  for (const r of current) {
    const b = base.get(keyOf(r));
    if (r.skipped || b === undefined || !(b > 0)) continue;
    const slowdown = r.ms_median / b - 1;
    if (slowdown > threshold) out.push({ key: keyOf(r), baselineMs: b, ms: r.ms_median, slowdown });
  }
  return out;
}
