import { growthExponent } from '@attention-zoo/attention-core/analysis';
import { growthChartSvg } from '@attention-zoo/plots';
import { series, summarize, type SeriesSummary } from './analysis.js';
import type { BenchRecord } from './record.js';

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtBytes = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 2 ** 10).toFixed(0)} KiB`;
const fmtExp = (e: number | null) => (e === null ? '–' : e.toFixed(2));

/** Markdown: per backend × mode, a time table and a peak-memory table over N, with exponents, crossover and reach. */
export function markdownReport(records: readonly BenchRecord[], range: { from?: number; to?: number } = {}): string {
  const summaries = summarize(records, range);
  const groups = new Map<string, BenchRecord[]>();
  for (const r of records) groups.set(`${r.backend}|${r.mode}`, [...(groups.get(`${r.backend}|${r.mode}`) ?? []), r]);
  const lines: string[] = [];
  for (const [key, recs] of groups) {
    const [backend, mode] = key.split('|');
    const { dim, numHeads, batch } = recs[0]!;
    const tokens = [...new Set(recs.map((r) => r.tokens))].sort((a, b) => a - b);
    const bySeries = series(recs);
    const span = range.from || range.to ? ` over N ∈ [${range.from ?? tokens[0]}, ${range.to ?? tokens[tokens.length - 1]}]` : '';
    lines.push(`### ${backend}, ${mode} (dim ${dim}, ${numHeads} heads, batch ${batch})`, '');
    lines.push(`Median ms of ≥ ${recs[0]!.runs || '?'} runs (min–max in the JSON). Exponents: least-squares slope of log time / log peak bytes in log N${span}.`, '');
    lines.push(`| variant | ${tokens.map((n) => `N=${n}`).join(' | ')} | time exp | mem exp | beats softmax from | reach |`);
    lines.push(`| --- | ${tokens.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`);
    for (const list of bySeries.values()) {
      const s = summaries.find((x) => x.variant === list[0]!.variant && x.backend === backend && x.mode === mode) as SeriesSummary;
      const cells = tokens.map((n) => {
        const r = list.find((x) => x.tokens === n);
        return !r ? '' : r.skipped ? 'skip' : fmtMs(r.ms_median);
      });
      lines.push(`| ${s.variant} | ${cells.join(' | ')} | ${fmtExp(s.timeExponent)} | ${fmtExp(s.memoryExponent)} | ${s.crossover ?? '–'} | ${s.reach ?? '–'} |`);
    }
    lines.push('', `Peak tensor memory (above what was live before the run):`, '');
    lines.push(`| variant | ${tokens.map((n) => `N=${n}`).join(' | ')} |`);
    lines.push(`| --- | ${tokens.map(() => '---:').join(' | ')} |`);
    for (const list of bySeries.values()) {
      const cells = tokens.map((n) => {
        const r = list.find((x) => x.tokens === n);
        return !r ? '' : r.skipped ? 'skip' : fmtBytes(r.peak_bytes);
      });
      lines.push(`| ${list[0]!.variant} | ${cells.join(' | ')} |`);
    }
    const set = new Map<string, string>();
    for (const r of recs) if (r.options && Object.keys(r.options).length) set.set(r.variant, Object.entries(r.options).map(([k, v]) => `${k} = ${v}`).join(', '));
    if (set.size) {
      lines.push('', 'Layer options set by the bench (the largest N shown; see `--set`):', '');
      for (const [v, o] of set) lines.push(`- ${v}: ${o}`);
    }
    const skipped = recs.filter((r) => r.skipped);
    if (skipped.length) {
      lines.push('', 'Skipped:', '');
      for (const r of skipped) lines.push(`- ${r.variant} N=${r.tokens}: ${r.skipped}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * A log-log SVG of median time against N, one line per variant, for one backend × mode, each
 * with its time exponent fitted over `range` (default: every measured N) drawn as a segment
 * over the sizes it used, the same chart as the demo's complexity lab.
 */
export function svgPlot(records: readonly BenchRecord[], title: string, range: { from?: number; to?: number } = {}): Promise<string> {
  const done = records.filter((r) => !r.skipped && r.ms_median > 0);
  return growthChartSvg({
    title,
    y: 'median ms',
    series: [...series(done).values()].map((list) => {
      const fit = list.filter((r) => r.tokens >= (range.from ?? 0) && r.tokens <= (range.to ?? Infinity));
      const exponent = growthExponent(fit.map((r) => ({ n: r.tokens, y: r.ms_median })));
      const ns = fit.map((r) => r.tokens);
      return {
        name: list[0]!.variant,
        points: list.map((r) => [r.tokens, r.ms_median] as const),
        fit: exponent === null ? null : { exponent, range: [Math.min(...ns), Math.max(...ns)] as const },
      };
    }),
    width: 520,
    height: 360,
  });
}
