import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeAtomic } from './atomic.js';

export interface TrainMetric {
  kind: 'train';
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  samplesPerSec: number;
  wallSeconds: number;
}
export interface EvalMetric {
  kind: 'eval' | 'test';
  split: 'validation' | 'test';
  step: number;
  loss: number;
  accuracy: number;
  wallSeconds: number;
}
export type Metric = TrainMetric | EvalMetric;

/** `<run>/metrics.jsonl`: one JSON object per line, appended as training goes. */
export class MetricsLog {
  constructor(readonly path: string) {}

  append(m: Metric): void {
    appendFileSync(this.path, `${JSON.stringify(m)}\n`);
  }

  /** Every complete line; a half-written last line (a killed process) is skipped. */
  read(): Metric[] {
    if (!existsSync(this.path)) return [];
    const out: Metric[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as Metric);
      } catch {
        // an interrupted write
      }
    }
    return out;
  }

  /** Keeps what was logged up to `step` (a resumed run logs the later steps again). */
  truncateAfter(step: number): Metric[] {
    const kept = this.read().filter((m) => m.step <= step && m.kind !== 'test');
    writeAtomic(this.path, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    return kept;
  }
}
