import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRecord } from './record.js';

const SCRIPT = fileURLToPath(new URL('../torch/reference.py', import.meta.url));

export interface TorchResult {
  variant: string;
  tokens: number;
  mode: string;
  ms_median?: number;
  skipped?: string;
}

/**
 * The first Python with torch among `candidates` ($PYTHON, python3 on the PATH,
 * then Debian's /usr/bin/python3, where `apt-get install python3-torch` puts it
 * even when a pyenv or venv python3 comes first); otherwise why none has it.
 */
export function torchAvailable(
  candidates: readonly string[] = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p),
): { python: string; version: string } | { missing: string } {
  const why: string[] = [];
  for (const python of [...new Set(candidates)]) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.error) why.push(`${python} not found`);
    else if (r.status !== 0) why.push(`${python} has no torch`);
    else return { python, version: r.stdout.trim() };
  }
  return { missing: `${why.join('; ')} (Debian: apt-get install python3-torch; or pip install torch)` };
}

/** Times the same algorithms and shapes in PyTorch on the CPU (tooling/bench/torch/reference.py). */
export function runTorch(records: readonly BenchRecord[], python: string): { torch: string; threads: number; results: TorchResult[] } {
  const cases = records
    .filter((r) => !r.skipped)
    .map((r) => ({ variant: r.variant, tokens: r.tokens, dim: r.dim, numHeads: r.numHeads, batch: r.batch, mode: r.mode, runs: Math.max(r.runs, 3) }));
  const unique = [...new Map(cases.map((c) => [`${c.variant}|${c.tokens}|${c.mode}`, c])).values()];
  const r = spawnSync(python, [SCRIPT], { input: JSON.stringify(unique), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`PyTorch reference failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(r.stdout);
}

/** Markdown: our time / PyTorch time per case, best of our backends marked. */
export function torchTable(records: readonly BenchRecord[], torch: { torch: string; threads: number; results: TorchResult[] }): string {
  const lines = [
    `PyTorch ${torch.torch} on the CPU (${torch.threads} threads), same algorithm and shapes. Ratio = ours / PyTorch (lower is better).`,
    '',
    '| variant | mode | N | PyTorch ms | ' + [...new Set(records.map((r) => r.backend))].map((b) => `${b} ms (ratio)`).join(' | ') + ' |',
  ];
  const backends = [...new Set(records.map((r) => r.backend))];
  lines.push(`| --- | --- | ---: | ---: | ${backends.map(() => '---:').join(' | ')} |`);
  for (const t of torch.results) {
    if (t.ms_median === undefined) continue;
    const cells = backends.map((b) => {
      const r = records.find((x) => x.backend === b && x.variant === t.variant && x.tokens === t.tokens && x.mode === t.mode && !x.skipped);
      return r ? `${r.ms_median.toFixed(1)} (${(r.ms_median / t.ms_median!).toFixed(2)}×)` : '–';
    });
    lines.push(`| ${t.variant} | ${t.mode} | ${t.tokens} | ${t.ms_median.toFixed(1)} | ${cells.join(' | ')} |`);
  }
  const none = [...new Set(torch.results.filter((t) => t.skipped).map((t) => `${t.variant} (${t.skipped})`))];
  if (none.length) lines.push('', `Not compared: ${none.join('; ')}.`);
  return lines.join('\n');
}
