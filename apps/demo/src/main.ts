// The demo shell: start a backend (webgpu → webgl → wasm → cpu), route between pages. Importing
// @attention-zoo/variants registers every published package's variants, which every page lists.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions } from '@attention-zoo/attention-core';
import { VARIANT_PACKAGES } from '@attention-zoo/variants';
import type { App, Page } from './app.js';
import { startBackend, type BackendState, type BrowserBackend } from './backend.js';
import { classifierPage } from './classifier/page.js';
import { complexityPage } from './complexity/page.js';
import { h } from './dom.js';
import { explorerPage } from './explorer/page.js';
import { generatePage } from './generate/page.js';
import { patternsPage } from './patterns/page.js';
import { trainPage } from './train/page.js';
import './style.css';

const PAGES: Page[] = [explorerPage, patternsPage, complexityPage, trainPage, classifierPage, generatePage];

const nav = document.getElementById('nav')!;
const badge = document.getElementById('backend')!;
const note = document.getElementById('backend-note')!;
const main = document.getElementById('page')!;

let state: BackendState;

function showBackend(s: BackendState): void {
  state = s;
  badge.textContent = `backend: ${s.active}${s.adapter ? ` (${s.adapter})` : ''}`;
  badge.dataset['backend'] = s.active;
  const noGpu = s.skipped.find((k) => k.name === 'webgpu');
  if (s.active !== 'webgpu' && noGpu) {
    note.hidden = false;
    note.dataset['testid'] = 'webgpu-fallback';
    note.textContent = `WebGPU is not available (${noGpu.reason}); running on ${s.active} instead. Everything works, only slower.`;
  } else {
    note.hidden = true;
  }
}

const app: App = {
  backend: () => state,
  async switchBackend(name: BrowserBackend) {
    showBackend(await startBackend(name));
    return state;
  },
};

/** The mounted page: its own root element, the signal its work checks, its cleanup. */
let mounted: { root: HTMLElement; leave: AbortController; cleanup: () => void } | undefined;

function route(): void {
  const id = location.hash.replace(/^#\/?/, '') || PAGES[0]!.id;
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0]!;
  for (const a of nav.querySelectorAll('a')) {
    const on = a.dataset['page'] === page.id;
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (mounted) {
    // Leaving: stop the page's work, free what it holds, and detach its root so whatever an
    // unfinished await draws afterwards lands in a detached element, not on the next page.
    mounted.leave.abort('left the page');
    mounted.cleanup();
    mounted.root.remove();
  }
  const root = document.createElement('div');
  root.className = 'page-root';
  root.dataset['page'] = page.id;
  main.replaceChildren(root);
  main.dataset['page'] = page.id;
  const leave = new AbortController();
  mounted = { root, leave, cleanup: page.mount(root, app, leave.signal) };
}

async function boot(): Promise<void> {
  for (const p of PAGES) nav.append(h('a', { href: `#/${p.id}`, dataset: { page: p.id } }, p.title));
  showBackend(await startBackend());
  // For the browser tests and the curious: the registry and the engine, read-only use.
  Object.assign(window, { attentionZooDemo: { tf, backend: () => tf.getBackend(), packages: VARIANT_PACKAGES, registry: () => listAttentions() } });
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset['ready'] = 'true';
}

boot().catch((err) => {
  main.replaceChildren(h('p', { class: 'error' }, `The demo could not start: ${(err as Error).message}`));
  console.error(err);
});
