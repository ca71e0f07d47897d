import { growthExponent } from '@attention-zoo/attention-core/analysis';
import type { BenchRecord } from './record.js';

const ran = (r: BenchRecord) => !r.skipped;

export interface SeriesSummary {
  variant: string;
  backend: string;
  mode: string;
  /** Growth exponents over the tokens in [from, to] (all measured tokens by default). */
  timeExponent: number | null;
  memoryExponent: number | null;
  /** Smallest N from which the variant is faster than softmax at every larger measured N; null if never. */
  crossover: number | null;
  /** Largest N that completed. */
  reach: number | null;
}

/** Records grouped by variant × backend × mode, sorted by tokens. */
export function series(records: readonly BenchRecord[]): Map<string, BenchRecord[]> {
  const out = new Map<string, BenchRecord[]>();
  for (const r of records) {
    const key = `${r.variant}|${r.backend}|${r.mode}`;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  for (const list of out.values()) list.sort((a, b) => a.tokens - b.tokens);
  return out;
}

export function summarize(records: readonly BenchRecord[], range: { from?: number; to?: number } = {}): SeriesSummary[] {
  const all = series(records);
  const inRange = (r: BenchRecord) => r.tokens >= (range.from ?? 0) && r.tokens <= (range.to ?? Infinity);
  const out: SeriesSummary[] = [];
  for (const list of all.values()) {
    const { variant, backend, mode } = list[0]!;
    const done = list.filter(ran);
    const fit = done.filter(inRange);
    const soft = all.get(`softmax|${backend}|${mode}`)?.filter(ran) ?? [];
    out.push({
      variant,
      backend,
      mode,
      timeExponent: growthExponent(fit.map((r) => ({ n: r.tokens, y: r.ms_median }))),
      memoryExponent: growthExponent(fit.map((r) => ({ n: r.tokens, y: r.peak_bytes }))),
      crossover: variant === 'softmax' ? null : crossover(done, soft),
      reach: done.length ? done[done.length - 1]!.tokens : null,
    });
  }
  return out;
}

/**
 * The smallest N at which `mine` is faster than softmax and stays faster at
 * every larger N both measured; softmax cases skipped for memory count as slower.
 */
export function crossover(mine: readonly BenchRecord[], softmax: readonly BenchRecord[]): number | null {
  const soft = new Map(softmax.map((r) => [r.tokens, r.ms_median]));
  let from: number | null = null;
  for (const r of mine) {
    const s = soft.get(r.tokens) ?? (softmax.length && r.tokens > softmax[softmax.length - 1]!.tokens ? Infinity : undefined);
    if (s === undefined) continue;
    if (r.ms_median < s) from ??= r.tokens;
    else from = null;
  }
  return from;
}
