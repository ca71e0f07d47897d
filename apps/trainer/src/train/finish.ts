/**
 * Finishing a complete run: the test split, then `summary.json`, the plots and
 * `report.md` in the run folder, and the result line.
 */
import { join } from 'node:path';
import { runPlots, runReport } from '../report/run-report.js';
import type { RunSummary } from '../report/run-summary.js';
import { writeAtomic } from './atomic.js';
import { evaluate } from './evaluate.js';
import type { LoopResult } from './loop.js';
import type { EvalMetric } from './metrics.js';
import type { OpenRun } from './open.js';
import type { Progress } from './progress.js';

export async function finishRun(run: OpenRun, loop: LoopResult, progress: Progress): Promise<RunSummary> {
  const { config, runDir } = run;
  const test = await evaluate(run.model, run.data, 'test', config.batchSize);
  const testMetric: EvalMetric = { kind: 'test', split: 'test', step: loop.step, loss: test.loss, accuracy: test.accuracy, wallSeconds: run.wallSeconds() };
  run.metrics.append(testMetric);
  progress.event({ ...testMetric });
  const all = run.metrics.read();
  // The whole run's train lines (a resumed run's earlier ones included); this process's last window if none were logged.
  const trainLines = all.filter((m) => m.kind === 'train');
  const summary: RunSummary = {
    runDir,
    task: config.task,
    attention: config.attention,
    attentionFallback: config.attentionFallback,
    backend: config.backend,
    steps: run.total,
    parameters: run.parameters,
    test,
    validation: loop.lastValidation,
    trainLoss: trainLines.at(-1)?.loss ?? loop.lastTrain.loss,
    wallSeconds: run.wallSeconds(),
    samplesPerSec: trainLines.length ? trainLines.reduce((a, m) => a + m.samplesPerSec, 0) / trainLines.length : loop.lastTrain.samplesPerSec,
    peakTensorBytes: loop.peakTensorBytes,
    peakRssBytes: Math.max(loop.peakRssBytes, process.memoryUsage.rss()),
  };
  writeAtomic(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const [file, svg] of Object.entries(await runPlots(all, `${config.task} · ${config.attention}`))) writeAtomic(join(runDir, file), svg);
  writeAtomic(join(runDir, 'report.md'), runReport(config, summary, run.header, all));
  progress.event({ kind: 'summary', ...summary });
  progress.result(
    `final test accuracy: ${(100 * test.accuracy).toFixed(2)}% (loss ${test.loss.toFixed(4)}, ${test.n} examples) — ${config.task}, ${config.attention}, ` +
      `${formatSeconds(summary.wallSeconds)} on ${config.backend}; run folder ${runDir}`,
  );
  return summary;
}

function formatSeconds(s: number): string {
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
}
