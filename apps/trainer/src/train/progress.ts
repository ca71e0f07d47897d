import type { Metric } from './metrics.js';

/** How a run talks: a live bar (terminal), plain lines (pipes, logs), only the result, or JSON lines. */
export type OutputMode = 'bar' | 'lines' | 'quiet' | 'json';

export interface ProgressTick {
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  samplesPerSec: number;
  /** Seconds left at the current speed. */
  etaSeconds: number;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function formatTick(t: ProgressTick, width = 24): string {
  const frac = t.totalSteps > 0 ? t.step / t.totalSteps : 1;
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return (
    `epoch ${t.epoch + 1}/${t.epochs} ${bar} ${t.step}/${t.totalSteps}  loss ${t.loss.toFixed(4)}  acc ${(100 * t.accuracy).toFixed(1)}%  ` +
    `${t.samplesPerSec.toFixed(0)} samples/s  ETA ${formatDuration(t.etaSeconds)}`
  );
}

export class Progress {
  private lastLine = 0;
  private barShown = false;

  constructor(
    readonly mode: OutputMode,
    private readonly out: (s: string) => void = (s) => process.stdout.write(s),
    /** Seconds between lines in `lines` mode. */
    private readonly every = 10,
  ) {}

  /** Header and other human text (not in quiet or json mode). */
  info(text: string): void {
    if (this.mode === 'quiet' || this.mode === 'json') return;
    this.clearBar();
    this.out(`${text}\n`);
  }

  /** Results: printed in every mode but json (where the metric lines carry them). */
  result(text: string): void {
    if (this.mode === 'json') return;
    this.clearBar();
    this.out(`${text}\n`);
  }

  tick(t: ProgressTick): void {
    if (this.mode === 'bar') {
      this.out(`\r${formatTick(t)}\x1b[K`);
      this.barShown = true;
    } else if (this.mode === 'lines') {
      const now = Date.now();
      if (now - this.lastLine >= this.every * 1000 || t.step === t.totalSteps) {
        this.lastLine = now;
        this.out(`${formatTick(t)}\n`);
      }
    }
  }

  metric(m: Metric): void {
    if (this.mode === 'json') this.out(`${JSON.stringify(m)}\n`);
    else if (m.kind !== 'train') this.info(`  ${m.split} @ step ${m.step}: loss ${m.loss.toFixed(4)}, accuracy ${(100 * m.accuracy).toFixed(2)}%`);
  }

  /** A JSON event (json mode only): header, checkpoint, summary. */
  event(e: Record<string, unknown>): void {
    if (this.mode === 'json') this.out(`${JSON.stringify(e)}\n`);
  }

  private clearBar(): void {
    if (this.barShown) {
      this.out('\r\x1b[K');
      this.barShown = false;
    }
  }

  end(): void {
    this.clearBar();
  }
}
