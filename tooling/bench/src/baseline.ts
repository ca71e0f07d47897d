import { readFileSync } from 'node:fs';
import type { BenchRecord } from './record.js';

export interface Regression {
  key: string;
  baselineMs: number;
  ms: number;
  /** ms / baselineMs − 1. */
  slowdown: number;
}

const keyOf = (r: BenchRecord) => `${r.variant} ${r.backend} ${r.mode} N=${r.tokens} d=${r.dim} h=${r.numHeads} b=${r.batch}`;

/**
 * The records of an earlier run's JSON file. Files written before the head count was named
 * `numHeads` (docs/bench/*) call it `heads`; they are read as they are meant.
 */
export function readBaseline(path: string): BenchRecord[] {
  const records = JSON.parse(readFileSync(path, 'utf8')) as (Omit<BenchRecord, 'numHeads'> & { numHeads?: number; heads?: number })[];
  return records.map(({ heads, ...r }) => ({ ...r, numHeads: r.numHeads ?? heads ?? NaN }));
}

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
