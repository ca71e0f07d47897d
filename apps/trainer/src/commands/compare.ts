/**
 * `pnpm train compare --attention a,b,c`: trains each attention on the same task
 * with the same seed (same data, order and initialisation of the shared parts)
 * and the same budget (steps), then writes a table and plots to `--out`:
 * compare.md, compare.json, loss.svg (train loss against step),
 * accuracy.svg (validation accuracy against step), loss-wall.svg.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getAttention } from '@attention-zoo/attention-core';
import { lineChartSvg } from '@attention-zoo/plots';
import type { TrainConfig } from '../config.js';
import { getTask } from '../tasks/index.js';
import type { TaskSpec } from '../tasks/task.js';
import { mib } from '../report/run-report.js';
import { writeAtomic } from '../train/atomic.js';
import { MetricsLog, type EvalMetric, type TrainMetric } from '../train/metrics.js';
import type { Progress } from '../train/progress.js';
import type { RunSummary } from '../report/run-summary.js';
import { runTraining } from '../train/run.js';

export interface CompareRow {
  attention: string;
  ok: boolean;
  error?: string;
  /** Set when the attention cannot serve the task (no causal form, no key-padding mask): it was not trained. */
  refused?: string;
  summary?: RunSummary;
}

export interface CompareOptions {
  /** The config every run shares; `attention` is replaced per run. */
  config: TrainConfig;
  attentions: string[];
  outDir: string;
  progress: Progress;
  header?: string[];
}

/**
 * Why an attention cannot serve a task, or undefined when it can: a causal task needs a
 * causal form, a padded (masked) task a key-padding mask. Checked before any training, so
 * such a pair is a table row with its reason rather than a failed run.
 */
export function refusalReason(task: TaskSpec, attention: string): string | undefined {
  const c = getAttention(attention).capabilities;
  if (task.causal && !c.causal) return `no causal form, and ${task.name} is causal`;
  if (task.keyPaddingMask && !c.keyPaddingMask) {
    return `no key-padding mask, and ${task.name} masks its padding${c.noKeyPaddingMaskReason ? ` (${c.noKeyPaddingMaskReason})` : ''}`;
  }
  return undefined;
}

export async function compare(o: CompareOptions): Promise<CompareRow[]> {
  if (o.attentions.length === 0) throw new Error('compare: --attention must list at least one attention');
  for (const a of o.attentions) getAttention(a); // unknown names fail before any training, listing the registered ones
  mkdirSync(o.outDir, { recursive: true });
  const rows: CompareRow[] = [];
  for (const l of o.header ?? []) o.progress.info(l); // the backend block, once for every run
  const task = getTask(o.config.task);
  for (const attention of o.attentions) {
    o.progress.info(`\n=== ${attention} ===`);
    const refused = refusalReason(task, attention);
    if (refused) {
      o.progress.result(`${attention}: refused — ${refused}`);
      rows.push({ attention, ok: false, refused });
      continue;
    }
    const config: TrainConfig = { ...structuredClone(o.config), attention, attentionFallback: undefined };
    try {
      const summary = await runTraining({ config, runDir: join(o.outDir, attention), progress: o.progress, printedHeader: o.header });
      rows.push({ attention, ok: true, summary });
    } catch (err) {
      o.progress.result(`${attention}: FAILED — ${(err as Error).message}`);
      rows.push({ attention, ok: false, error: (err as Error).message });
    }
  }
  const table = compareTable(rows);
  const plots = await comparePlots(rows, o.outDir, `${o.config.task}`);
  writeAtomic(join(o.outDir, 'compare.json'), `${JSON.stringify(rows, null, 2)}\n`);
  for (const [f, svg] of Object.entries(plots)) writeAtomic(join(o.outDir, f), svg);
  const c = o.config;
  writeAtomic(
    join(o.outDir, 'compare.md'),
    [
      `# Compare on ${c.task}`,
      '',
      `Same seed (${c.seed}), data and budget for every attention: ${c.steps ?? `${c.epochs} epoch(s)`} ${c.steps ? 'steps' : ''} × batch ${c.batchSize}, ` +
        `dim ${c.model.dim}, depth ${c.model.depth}, ${c.model.numHeads} heads, backend ${c.backend}.`,
      '',
      table,
      '',
      '![train loss](loss.svg) ![validation accuracy](accuracy.svg)',
      '',
      '![train loss against wall-clock](loss-wall.svg)',
      '',
    ].join('\n'),
  );
  o.progress.result(`\n${table}\n\ncompare: table and plots in ${o.outDir}`);
  return rows;
}

export function compareTable(rows: CompareRow[]): string {
  const lines = [
    '| attention | test accuracy | test loss | train loss | samples/s | peak tensor memory | peak RSS | parameters |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const s = r.summary;
    if (!r.ok || !s) lines.push(`| ${r.attention} | ${notRun(r)} | | | | | | |`);
    else
      lines.push(
        `| ${r.attention} | ${(100 * s.test.accuracy).toFixed(2)}% | ${s.test.loss.toFixed(4)} | ${s.trainLoss.toFixed(4)} | ${s.samplesPerSec.toFixed(0)} | ` +
          `${mib(s.peakTensorBytes)} | ${mib(s.peakRssBytes)} | ${s.parameters.toLocaleString('en-US')} |`,
      );
  }
  return lines.join('\n');
}

/** A row that has no result, in a table cell: `refused: …` or `failed: …` (first line, pipes escaped). */
export function notRun(r: Pick<CompareRow, 'error' | 'refused'>): string {
  const text = r.refused !== undefined ? `refused: ${r.refused}` : `failed: ${(r.error ?? '').split('\n')[0]}`;
  return text.replace(/\|/g, '\\|');
}

async function comparePlots(rows: CompareRow[], outDir: string, task: string): Promise<Record<string, string>> {
  const runs = rows.filter((r) => r.ok).map((r) => ({ name: r.attention, ms: new MetricsLog(join(outDir, r.attention, 'metrics.jsonl')).read() }));
  const train = (ms: ReturnType<MetricsLog['read']>) => ms.filter((m): m is TrainMetric => m.kind === 'train');
  const val = (ms: ReturnType<MetricsLog['read']>) => ms.filter((m): m is EvalMetric => m.kind === 'eval');
  const loss = { title: 'cross-entropy' };
  return {
    'loss.svg': await lineChartSvg({ title: `${task}: train loss`, x: { title: 'step' }, y: loss, series: runs.map((r) => ({ name: r.name, points: train(r.ms).map((m) => [m.step, m.loss]) })) }),
    'accuracy.svg': await lineChartSvg({
      title: `${task}: validation accuracy`, x: { title: 'step' }, y: { title: 'accuracy (%)', domain: [0, 100] },
      series: runs.map((r) => ({ name: r.name, points: val(r.ms).map((m) => [m.step, 100 * m.accuracy]) })),
    }),
    'loss-wall.svg': await lineChartSvg({ title: `${task}: train loss`, x: { title: 'wall-clock seconds' }, y: loss, series: runs.map((r) => ({ name: r.name, points: train(r.ms).map((m) => [m.wallSeconds, m.loss]) })) }),
  };
}
