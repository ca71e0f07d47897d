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
  /** Renders into `root`; returns a cleanup that frees what the page holds. */
  mount(root: HTMLElement, app: App): () => void;
}
