import type { BackendState, BrowserBackend } from './backend.js';

/** What every page gets from the shell. */
export interface App {
  backend(): BackendState;
  /** Switches the active tfjs backend (shown in the header); resolves to the backend that started. */
  switchBackend(name: BrowserBackend): Promise<BackendState>;
}

export interface Page {
  id: string;
  title: string;
  /**
   * Renders into `root`, a fresh element of its own (detached when the page is left, so nothing
   * it draws late can land on another page). `signal` is aborted when the page is left: every
   * long loop of the page checks it. Returns a cleanup that frees what the page holds.
   */
  mount(root: HTMLElement, app: App, signal: AbortSignal): () => void;
}
