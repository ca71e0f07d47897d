import type { MachineLimits } from './machine.js';
import type { BenchRecord } from './record.js';

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Markdown: per backend and mode, our time / onnxruntime's (forward, one thread) per variant and N,
 * the agreement of the outputs, and the machine limits measured in the same run.
 */
export function ortTable(records: readonly BenchRecord[], machine: Record<string, MachineLimits>): string {
  const lines: string[] = [];
  const version = records.find((r) => r.ort)?.ort!.version;
  lines.push(
    `onnxruntime-node ${version ?? '(no comparable case)'}, 1 intra-op thread, same graph and weights (built from the layer's own weights),`,
    'every graph optimisation on. Cells: our min ms / ORT min ms = ratio (min of runs: the machine is shared; medians in the JSON);',
    'lower is better, ≤ 1 is as fast. `train` rows divide our forward + backward by ORT\'s forward (onnxruntime-node has no training).',
    '',
  );
  for (const [backend, m] of Object.entries(machine)) {
    lines.push(
      `- machine, measured before the ${backend} cases (load ${m.load1.toFixed(1)}): ${m.backendGemm.n}³ GEMM on ${m.backendGemm.backend} ${m.backendGemm.gflops.toFixed(1)} GFLOP/s` +
        `${m.nativeGemm ? `; in onnxruntime (native, 1 thread) ${m.nativeGemm.gflops.toFixed(1)} GFLOP/s` : ''}; copy bandwidth ${m.copyGBs.toFixed(1)} GB/s`,
    );
  }
  lines.push('');
  const groups = new Map<string, BenchRecord[]>();
  for (const r of records) if (r.ort) groups.set(`${r.backend}|${r.mode}`, [...(groups.get(`${r.backend}|${r.mode}`) ?? []), r]);
  for (const [key, recs] of groups) {
    const [backend, mode] = key.split('|');
    const tokens = [...new Set(recs.map((r) => r.tokens))].sort((a, b) => a - b);
    lines.push(`### ${backend}, ${mode} vs onnxruntime forward`, '');
    lines.push(`| variant | ${tokens.map((n) => `N=${n}`).join(' | ')} | max rel. error |`);
    lines.push(`| --- | ${tokens.map(() => '---:').join(' | ')} | ---: |`);
    for (const variant of [...new Set(recs.map((r) => r.variant))]) {
      const cells = tokens.map((n) => {
        const r = recs.find((x) => x.variant === variant && x.tokens === n);
        return r?.ort ? `${ms(r.ms_min)} / ${ms(r.ort.ms_min)} = **${(r.ms_min / r.ort.ms_min).toFixed(2)}×**` : '–';
      });
      const err = Math.max(...recs.filter((r) => r.variant === variant).map((r) => r.ort!.rel_err));
      lines.push(`| ${variant} | ${cells.join(' | ')} | ${err.toExponential(1)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
