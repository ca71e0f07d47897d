import type { TrainConfig } from '../config.js';
import type { Metric, TrainMetric, EvalMetric } from '../train/metrics.js';
import type { RunSummary } from './run-summary.js';
import { lineChartSvg, type Series } from '@attention-zoo/plots';

const train = (ms: Metric[]) => ms.filter((m): m is TrainMetric => m.kind === 'train');
const evals = (ms: Metric[]) => ms.filter((m): m is EvalMetric => m.kind === 'eval');

/** loss / accuracy against steps and against wall-clock seconds (accuracy on 0..100 %). */
export async function runPlots(ms: Metric[], title: string): Promise<Record<string, string>> {
  const t = train(ms);
  const v = evals(ms);
  const pair = (xOf: (m: Metric) => number, xTitle: string, what: 'loss' | 'accuracy'): Promise<string> => {
    const k = what === 'accuracy' ? 100 : 1;
    const series: Series[] = [
      { name: `train ${what}`, points: t.map((m) => [xOf(m), k * m[what]]) },
      { name: `validation ${what}`, points: v.map((m) => [xOf(m), k * m[what]]) },
    ];
    const y = what === 'accuracy' ? { title: 'accuracy (%)', domain: [0, 100] as const } : { title: 'cross-entropy' };
    return lineChartSvg({ title: `${title}: ${what}`, x: { title: xTitle }, y, series });
  };
  return {
    'loss.svg': await pair((m) => m.step, 'step', 'loss'),
    'accuracy.svg': await pair((m) => m.step, 'step', 'accuracy'),
    'loss-wall.svg': await pair((m) => m.wallSeconds, 'wall-clock seconds', 'loss'),
    'accuracy-wall.svg': await pair((m) => m.wallSeconds, 'wall-clock seconds', 'accuracy'),
  };
}

export const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function runReport(c: TrainConfig, s: RunSummary, header: string[], ms: Metric[]): string {
  const v = evals(ms);
  return [
    `# Run: ${c.task} · ${c.attention}`,
    '',
    ...(c.attentionFallback ? [`> **Note:** ${c.attentionFallback.reason}.`, ''] : []),
    '```',
    ...header,
    '```',
    '',
    '| metric | value |',
    '| --- | --- |',
    `| test accuracy | ${(100 * s.test.accuracy).toFixed(2)}% (${s.test.n} examples) |`,
    `| test loss | ${s.test.loss.toFixed(4)} |`,
    ...(s.validation ? [`| validation accuracy | ${(100 * s.validation.accuracy).toFixed(2)}% |`] : []),
    `| final train loss | ${s.trainLoss.toFixed(4)} |`,
    `| steps | ${s.steps} |`,
    `| parameters | ${s.parameters.toLocaleString('en-US')} |`,
    `| training speed | ${s.samplesPerSec.toFixed(0)} samples/s |`,
    `| wall-clock | ${s.wallSeconds.toFixed(1)} s |`,
    `| peak tensor memory (one train step, each buffer once) | ${mib(s.peakTensorBytes)} |`,
    `| peak process memory (RSS, sampled during this run) | ${mib(s.peakRssBytes)} |`,
    `| backend | ${s.backend} |`,
    '',
    '## Validation',
    '',
    '| step | loss | accuracy |',
    '| --- | --- | --- |',
    ...v.map((m) => `| ${m.step} | ${m.loss.toFixed(4)} | ${(100 * m.accuracy).toFixed(2)}% |`),
    '',
    '## Plots',
    '',
    '![loss](loss.svg) ![accuracy](accuracy.svg)',
    '',
    '![loss against wall-clock](loss-wall.svg) ![accuracy against wall-clock](accuracy-wall.svg)',
    '',
    '## Config',
    '',
    '```json',
    JSON.stringify(c, null, 2),
    '```',
    '',
  ].join('\n');
}
