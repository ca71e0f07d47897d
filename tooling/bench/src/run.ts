import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAttention, listAttentions } from '@attention-zoo/attention-core';
import { setFusedKernels } from '@attention-zoo/attention-core/kernels';
import { formatChoice, probeBackends, selectBackend, type BackendName } from '@attention-zoo/backends';
import { readBaseline, regressions } from './baseline.js';
import { decodeReport, decodeVariants, measureDecode, type DecodeRecord } from './decode.js';
import { measure } from './measure.js';
import type { BenchOptions } from './options.js';
import type { BenchRecord } from './record.js';
import { variantOptions } from './variant-options.js';
import { markdownReport, svgPlot } from './report.js';
import { runTorch, torchAvailable, torchTable } from './torch.js';
import { measureMachine, type MachineLimits } from './machine.js';
import { ortAvailable, type Ort } from './ort.js';
import { ortTable } from './ort-report.js';

export interface BenchOutput {
  records: BenchRecord[];
  files: string[];
  regressions: ReturnType<typeof regressions>;
  /** Per backend, with `--vs-ort`. */
  machine: Record<string, MachineLimits>;
}

function fmtLine(r: BenchRecord): string {
  const head = `${r.backend.padEnd(7)} ${r.variant.padEnd(22)} N=${String(r.tokens).padEnd(6)} ${r.mode.padEnd(7)}`;
  if (r.skipped) return `${head} skipped: ${r.skipped}`;
  return `${head} ${r.ms_median.toFixed(2).padStart(10)} ms (min ${r.ms_min.toFixed(2)}, max ${r.ms_max.toFixed(2)})  peak ${(r.peak_bytes / 2 ** 20).toFixed(1)} MiB${r.load1 === undefined ? '' : `  load ${r.load1.toFixed(1)}`}${r.ort ? `  | ORT ${r.ort.ms_median.toFixed(2)} ms (min ${r.ort.ms_min.toFixed(2)}), ratio of mins ${(r.ms_min / r.ort.ms_min).toFixed(2)}, rel err ${r.ort.rel_err.toExponential(1)}` : ''}`;
}

async function resolveBackends(o: BenchOptions, log: (line: string) => void): Promise<BackendName[]> {
  if (o.backends !== 'available') return o.backends;
  // Timings on a software WebGPU adapter (SwiftShader) measure the CPU emulating a GPU: left
  // out of `available` (the probe line says so); `--backends webgpu` still measures it.
  const probes = await probeBackends({ order: ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'], skipSoftwareWebgpu: true });
  for (const p of probes.filter((p) => p.skipped)) log(`${p.name}: ${p.detail}`);
  return probes.filter((p) => p.available).map((p) => p.name);
}

/** `--mode decode`: writes `<out>/decode-<backend>-<stamp>.json` and `decode-report-<stamp>.md`. */
async function runDecodeBench(o: BenchOptions, log: (line: string) => void): Promise<BenchOutput> {
  const variants = decodeVariants(o.variants);
  for (const v of variants) getAttention(v);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(o.out, { recursive: true });
  const all: DecodeRecord[] = [];
  const files: string[] = [];
  for (const backend of await resolveBackends(o, log)) {
    const choice = await selectBackend({ backend });
    log(formatChoice(choice).split('\n')[0]!);
    const mine: DecodeRecord[] = [];
    for (const variant of variants) {
      mine.push(...(await measureDecode({ variant, backend, positions: o.tokens, dim: o.dim, numHeads: o.numHeads, runs: o.runs, memoryBudgetBytes: o.memoryBudget, maxMs: o.maxMs, set: o.set }, log)));
    }
    const file = join(o.out, `decode-${backend}-${stamp}.json`);
    writeFileSync(file, JSON.stringify(mine, null, 1) + '\n');
    files.push(file);
    all.push(...mine);
  }
  const report = join(o.out, `decode-report-${stamp}.md`);
  writeFileSync(report, `# attention-zoo decoding benchmark, ${new Date().toISOString()}\n\ndim ${o.dim}, ${o.numHeads} heads, batch 1; median of ${o.runs} steps per position.\n\n${decodeReport(all)}`);
  files.push(report);
  return { records: [], files, regressions: [], machine: {} };
}

/** Runs the benchmark, writes `<out>/<backend>-<stamp>.json`, `report-<stamp>.md` and SVG plots. */
export async function runBench(o: BenchOptions, log: (line: string) => void = (l) => console.error(l)): Promise<BenchOutput> {
  if (o.mode === 'decode') return runDecodeBench(o, log);
  const variants = o.variants === 'all' ? listAttentions().map((d) => d.name) : o.variants;
  for (const v of variants) getAttention(v); // unknown names fail now, listing the registered ones
  const backends = await resolveBackends(o, log);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(o.out, { recursive: true });
  const records: BenchRecord[] = [];
  const files: string[] = [];
  let ort: { ort: Ort; version: string } | undefined;
  let ortMissing: string | undefined;
  if (o.vsOrt) {
    const found = await ortAvailable();
    if ('missing' in found) log(`--vs-ort: ${(ortMissing = found.missing)}`);
    else log(`--vs-ort: onnxruntime-node ${(ort = found).version}, 1 thread`);
  }
  setFusedKernels(o.kernels);
  if (!o.kernels) log('--no-kernels: core\'s fused kernels off (stock-op chains)');
  const machine: Record<string, MachineLimits> = {};
  for (const backend of backends) {
    const choice = await selectBackend({ backend });
    log(formatChoice(choice).split('\n')[0]!);
    if (o.vsOrt) {
      const m = (machine[backend] = await measureMachine(ort?.ort));
      log(`machine: ${backend} GEMM ${m.backendGemm.gflops.toFixed(1)} GFLOP/s${m.nativeGemm ? `, onnxruntime GEMM ${m.nativeGemm.gflops.toFixed(1)} GFLOP/s` : ''}, copy ${m.copyGBs.toFixed(1)} GB/s (load ${m.load1.toFixed(1)})`);
    }
    const mine: BenchRecord[] = [];
    for (const variant of variants) {
      let stopped: string | undefined;
      for (const tokens of o.tokens) {
        const c = { variant, backend, tokens, dim: o.dim, numHeads: o.numHeads, batch: o.batch, mode: o.mode, runs: o.runs, memoryBudgetBytes: o.memoryBudget, options: variantOptions(variant, tokens, o.set), ort };
        const r: BenchRecord = stopped
          ? { ...c, ort: undefined, runs: 0, ms_median: NaN, ms_min: NaN, ms_max: NaN, peak_bytes: NaN, rss_bytes: process.memoryUsage().rss, skipped: stopped }
          : await measure(c);
        if (!stopped && !r.skipped && r.ms_median > o.maxMs) stopped = `not run: N=${tokens} already took ${(r.ms_median / 1000).toFixed(1)} s > ${o.maxMs / 1000} s`;
        if (!stopped && r.skipped?.startsWith('error:')) stopped = `not run: N=${tokens} failed (${r.skipped.slice(7, 80)})`;
        mine.push(r);
        log(fmtLine(r));
        if (o.profile && r.kernels) log(`          ${r.kernels.map((k) => `${k.name} ${k.ms.toFixed(1)} ms ×${k.calls}`).join(', ')}`);
      }
    }
    const file = join(o.out, `${backend}-${stamp}.json`);
    writeFileSync(file, JSON.stringify(mine, null, 1) + '\n');
    files.push(file);
    records.push(...mine);
  }
  let md = `# attention-zoo benchmark, ${new Date().toISOString()}\n\n` + markdownReport(records, { from: o.fitFrom, to: o.fitTo });
  for (const backend of backends) {
    const svg = join(o.out, `${backend}-${o.mode}-${stamp}.svg`);
    writeFileSync(svg, await svgPlot(records.filter((r) => r.backend === backend), `${backend}, ${o.mode}: dim ${o.dim}, ${o.numHeads} heads, batch ${o.batch}`, { from: o.fitFrom, to: o.fitTo }));
    files.push(svg);
    md += `\n![${backend}](${svg.replace(/^.*\//, '')})\n`;
  }
  if (o.vsTorch) {
    const t = torchAvailable();
    if ('missing' in t) {
      md += `\n## Versus PyTorch\n\nNot run: ${t.missing}.\n`;
      log(`--vs-torch: ${t.missing}`);
    } else {
      log(`--vs-torch: PyTorch ${t.version} (${t.python})`);
      md += `\n## Versus PyTorch\n\n${torchTable(records, runTorch(records, t.python))}\n`;
    }
  }
  if (o.vsOrt) md += `\n## Versus onnxruntime\n\n${ortMissing ? `Not run: ${ortMissing}.` : ortTable(records, machine)}\n`;
  let regs: BenchOutput['regressions'] = [];
  if (o.baseline) {
    regs = regressions(records, readBaseline(o.baseline));
    md += `\n## Against ${o.baseline}\n\n` + (regs.length ? regs.map((r) => `- REGRESSION ${r.key}: ${r.baselineMs.toFixed(2)} → ${r.ms.toFixed(2)} ms (+${(100 * r.slowdown).toFixed(0)}%)`).join('\n') : 'No case is more than 10% slower.') + '\n';
  }
  const report = join(o.out, `report-${stamp}.md`);
  writeFileSync(report, md);
  files.push(report);
  return { records, files, regressions: regs, machine };
}
