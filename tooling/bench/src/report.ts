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

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A log-log SVG of median time against N, one line per variant, for one backend × mode. */
export function svgPlot(records: readonly BenchRecord[], title: string): string {
  const done = records.filter((r) => !r.skipped && r.ms_median > 0);
  const W = 720, H = 460, L = 70, R = 170, T = 40, B = 50;
  if (done.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40">${title}: no data</text></svg>`;
  const lx = done.map((r) => Math.log10(r.tokens));
  const ly = done.map((r) => Math.log10(r.ms_median));
  const [x0, x1] = [Math.floor(Math.min(...lx)), Math.ceil(Math.max(...lx) + 1e-9)];
  const [y0, y1] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly) + 1e-9)];
  const px = (n: number) => L + ((Math.log10(n) - x0) / Math.max(1e-9, x1 - x0)) * (W - L - R);
  const py = (ms: number) => H - B - ((Math.log10(ms) - y0) / Math.max(1e-9, y1 - y0)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">tokens N (log)</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">median ms (log)</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    out.push(`<line x1="${px(10 ** e)}" y1="${T}" x2="${px(10 ** e)}" y2="${H - B}" stroke="#ddd"/>`, `<text x="${px(10 ** e)}" y="${H - B + 16}" text-anchor="middle">1e${e}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    out.push(`<line x1="${L}" y1="${py(10 ** e)}" x2="${W - R}" y2="${py(10 ** e)}" stroke="#ddd"/>`, `<text x="${L - 6}" y="${py(10 ** e) + 4}" text-anchor="end">1e${e}</text>`);
  }
  [...series(done).values()].forEach((list, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = list.map((r) => `${px(r.tokens).toFixed(1)},${py(r.ms_median).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const r of list) out.push(`<circle cx="${px(r.tokens).toFixed(1)}" cy="${py(r.ms_median).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<text x="${W - R + 10}" y="${T + 16 * i + 10}" fill="${color}">${list[0]!.variant}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
