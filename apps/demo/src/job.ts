// Long work a page owns: cancelled when the page is left (the page's signal) or by its Stop
// button, with a progress bar while it runs. Every long loop checks the signal between steps.
import { h } from './dom.js';

/** Thrown (by `checkpoint`) when the work's signal is aborted; pages catch it and show the partial result. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/**
 * Lets the browser paint and handle input (the page's other controls, a tab
 * switch) between steps, then throws `Cancelled` if the work was stopped.
 */
export async function checkpoint(signal: AbortSignal): Promise<void> {
  await new Promise((ok) => setTimeout(ok, 0));
  if (signal.aborted) throw new Cancelled(String(signal.reason ?? 'stopped'));
}

export const isCancelled = (err: unknown): err is Cancelled => err instanceof Cancelled;

export interface JobBar {
  /** The progress bar, its text and the Stop button. */
  el: HTMLElement;
  /** Starts a run: a signal aborted by Stop or by the page's own signal (leaving the page). */
  start(): AbortSignal;
  progress(done: number, total: number, text: string): void;
  /** Ends the run, hiding Stop and leaving `text`. */
  finish(text: string): void;
  readonly running: boolean;
}

export function jobBar(pageSignal: AbortSignal, testid: string): JobBar {
  const bar = h('progress', { max: 1, value: 0, 'data-testid': `${testid}-progress` });
  const text = h('span', { class: 'status', 'data-testid': `${testid}-progress-text` });
  const stop = h('button', { class: 'stop', 'data-testid': `${testid}-stop`, hidden: true }, 'Stop');
  const el = h('div', { class: 'job' }, bar, stop, text);
  el.hidden = true;
  let ctrl: AbortController | undefined;
  stop.addEventListener('click', () => ctrl?.abort('Stop pressed'));
  return {
    el,
    start() {
      ctrl = new AbortController();
      el.hidden = false;
      stop.hidden = false;
      bar.removeAttribute('value'); // indeterminate until the first progress
      el.dataset['state'] = 'running';
      return AbortSignal.any([pageSignal, ctrl.signal]);
    },
    progress(done, total, t) {
      bar.max = Math.max(1, total);
      bar.value = done;
      text.textContent = t;
    },
    finish(t) {
      ctrl = undefined;
      stop.hidden = true;
      text.textContent = t;
      el.dataset['state'] = 'idle';
    },
    get running() {
      return ctrl !== undefined;
    },
  };
}
