import { SingleBar } from 'cli-progress';
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
  /** Seconds left at the speed since this process's first step (NaN until a second step). */
  etaSeconds: number;
}

/**
 * Seconds left, from the steps since this process's first one: the first step builds
 * kernels and takes many times longer, and counting it gave an ETA of "10h05m" at the
 * start of a run that took minutes.
 */
export class EtaClock {
  private from?: { step: number; at: number };

  constructor(private readonly now: () => number = () => performance.now() / 1000) {}

  /** Call after each step; returns the ETA in seconds (NaN after the first step). */
  eta(step: number, total: number): number {
    const at = this.now();
    if (!this.from) {
      this.from = { step, at };
      return NaN;
    }
    const done = step - this.from.step;
    return done > 0 ? ((total - step) * (at - this.from.at)) / done : NaN;
  }
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** The numbers of a tick, after the bar: `loss 0.6931  acc 50.0%  128 samples/s`. */
function tickStats(t: ProgressTick): string {
  return `loss ${t.loss.toFixed(4)}  acc ${(100 * t.accuracy).toFixed(1)}%  ${t.samplesPerSec.toFixed(0)} samples/s`;
}

/** A plain progress line (`lines` mode: logs and pipes). */
export function formatTick(t: ProgressTick): string {
  return `epoch ${t.epoch + 1}/${t.epochs} step ${t.step}/${t.totalSteps}  ${tickStats(t)}  ETA ${formatDuration(t.etaSeconds)}`;
}

/** The stream a live bar draws on: a terminal (stdout) or a test's stand-in. */
export type BarStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export class Progress {
  private lastLine = 0;
  private bar?: SingleBar;

  constructor(
    readonly mode: OutputMode,
    private readonly out: (s: string) => void = (s) => process.stdout.write(s),
    /** Seconds between lines in `lines` mode. */
    private readonly every = 10,
    /** Where `bar` mode draws (cli-progress). */
    private readonly barStream: BarStream = process.stdout,
    /** Where warnings go: stderr, so they show in every mode and stay out of piped results. */
    private readonly err: (s: string) => void = (s) => process.stderr.write(s),
  ) {}

  /** Something the user must know that does not stop the run (a damaged checkpoint skipped): stderr in every mode, and an event in json mode. */
  warn(text: string): void {
    this.clearBar();
    this.err(`${text}\n`);
    this.event({ kind: 'warning', message: text });
  }

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
      const payload = { epoch: `${t.epoch + 1}/${t.epochs}`, stats: tickStats(t), timeLeft: formatDuration(t.etaSeconds) }; // not {eta}: cli-progress fills that with its own estimate
      if (!this.bar) {
        this.bar = new SingleBar({
          stream: this.barStream,
          format: 'epoch {epoch} {bar} {value}/{total}  {stats}  ETA {timeLeft}',
          barCompleteChar: '█',
          barIncompleteChar: '░',
          barsize: 24,
          hideCursor: false,
          clearOnComplete: true,
          noTTYOutput: true, // draws on whatever stream it is given: the caller picked bar mode for a terminal
        });
        this.bar.start(t.totalSteps, t.step, payload);
      } else {
        this.bar.update(t.step, payload);
      }
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

  /** Stops the live bar (its line cleared) before other text; the next tick starts a new one. */
  private clearBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  end(): void {
    this.clearBar();
  }
}
