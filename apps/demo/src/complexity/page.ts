// Complexity lab: forward time and memory against N on the active backend, log-log, with fitted exponents.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions } from '@attention-zoo/attention-core';
import type { Page } from '../app.js';
import { BROWSER_BACKENDS, type BrowserBackend } from '../backend.js';
import { field, h, numberInput, select } from '../dom.js';
import { logLogChart } from './chart.js';
import { growthExponent } from '@attention-zoo/attention-core/analysis';
import { measurePoint, type BenchPoint } from './measure.js';

function parseTokens(s: string): number[] {
  const ns = s.split(/[\s,]+/).filter(Boolean).map(Number);
  if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`tokens must be positive integers separated by commas, got "${s}"`);
  return [...new Set(ns)].sort((a, b) => a - b);
}

const kb = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

export const complexityPage: Page = {
  id: 'complexity',
  title: 'Complexity lab',
  mount(root, app) {
    const registered = listAttentions();
    const backendSel = select(BROWSER_BACKENDS, app.backend().active, 'bench-backend');
    const backendNow = h('span', { class: 'pill', 'data-testid': 'bench-active' }, app.backend().active);
    const tokensIn = h('input', { type: 'text', value: '64, 256, 1024', size: 22, 'data-testid': 'bench-tokens' });
    const dimIn = numberInput(64, { min: 8, step: 8, testid: 'bench-dim' });
    const headsIn = numberInput(4, { min: 1, step: 1, testid: 'bench-heads' });
    const repeatsIn = numberInput(3, { min: 1, step: 1, testid: 'bench-repeats' });
    const checks = new Map<string, HTMLInputElement>();
    const variantBox = h('div', { class: 'checks', 'data-testid': 'bench-variants' });
    for (const d of registered) {
      const c = h('input', { type: 'checkbox', checked: true, value: d.name });
      checks.set(d.name, c);
      variantBox.append(h('label', { title: `${d.complexity.time} time, ${d.complexity.memory} memory` }, c, ` ${d.name}`));
    }
    const runBtn = h('button', { 'data-testid': 'bench-run', class: 'primary' }, 'Run benchmark');
    const status = h('p', { class: 'status', 'data-testid': 'bench-status' }, 'Choose variants and lengths, then run. Small N first: software WebGPU and the cpu backend are slow.');
    const charts = h('div', { class: 'row charts' });
    const table = h('table', { class: 'results', 'data-testid': 'bench-results' });
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Times one forward pass of each chosen layer (batch 1) at each length N on the active backend: median of the timed passes after a warm-up, read-back included. Memory is the peak size of the tensors the pass holds at once (tf.profile), weights and input excluded. The exponent is the least-squares slope of log(time) and log(memory) against log(N): about 2 for softmax, about 1 for linear variants once N is large enough that fixed costs stop dominating.'),
      ),
      h('div', { class: 'controls' },
        field('backend', backendSel), h('span', {}, 'active: ', backendNow),
        field('tokens N', tokensIn), field('dim', dimIn), field('heads', headsIn), field('timed passes', repeatsIn), variantBox, runBtn,
      ),
      status, charts, table,
    );

    backendSel.addEventListener('change', async () => {
      const want = backendSel.value as BrowserBackend;
      runBtn.disabled = true;
      status.textContent = `switching to ${want}…`;
      const st = await app.switchBackend(want);
      backendNow.textContent = st.active;
      backendSel.value = st.active;
      status.textContent = st.active === want ? `backend: ${st.active}` : `${want} is not available here (${st.skipped.find((s) => s.name === want)?.reason ?? 'failed to start'}); using ${st.active}`;
      runBtn.disabled = false;
    });

    let cancelled = false;
    runBtn.addEventListener('click', async () => {
      let tokens: number[];
      try {
        tokens = parseTokens(tokensIn.value);
      } catch (err) {
        status.textContent = (err as Error).message;
        return;
      }
      const dim = Number(dimIn.value);
      const heads = Number(headsIn.value);
      const repeats = Math.max(1, Math.floor(Number(repeatsIn.value)));
      if (!(dim > 0 && heads > 0 && dim % heads === 0)) {
        status.textContent = `dim (${dim}) must be a positive multiple of heads (${heads})`;
        return;
      }
      const chosen = registered.filter((d) => checks.get(d.name)!.checked);
      runBtn.disabled = true;
      table.dataset['state'] = 'busy';
      const points: BenchPoint[] = [];
      const backend = tf.getBackend();
      for (const d of chosen) {
        for (const n of tokens) {
          if (cancelled) return;
          status.textContent = `measuring ${d.name} at N = ${n} on ${backend}…`;
          points.push(await measurePoint(d, n, { dim, numHeads: heads, repeats }));
          render(points, chosen.map((c) => c.name), backend);
        }
      }
      status.textContent = `done: ${points.filter((p) => !p.error).length} of ${points.length} points on ${backend}`;
      table.dataset['state'] = 'done';
      runBtn.disabled = false;
    });

    const render = (points: BenchPoint[], names: string[], backend: string) => {
      const ok = (p: BenchPoint) => p.error === undefined;
      const byVariant = names.map((name) => ({ name, pts: points.filter((p) => p.variant === name) }));
      charts.replaceChildren(
        h('figure', {}, logLogChart(byVariant.map((v) => ({ name: v.name, points: v.pts.filter(ok).map((p) => ({ n: p.tokens, y: p.ms! })) })), 'forward time, ms'), h('figcaption', {}, `time on ${backend}`)),
        h('figure', {}, logLogChart(byVariant.map((v) => ({ name: v.name, points: v.pts.filter(ok).map((p) => ({ n: p.tokens, y: p.peakBytes! })) })), 'peak tensor bytes'), h('figcaption', {}, `memory on ${backend}`)),
      );
      table.replaceChildren(
        h('thead', {}, h('tr', {}, ...['variant', 'N', 'time (ms)', 'peak memory', 'time exponent', 'memory exponent', 'declared'].map((t) => h('th', {}, t)))),
      );
      const body = h('tbody', {});
      for (const v of byVariant) {
        const d = registered.find((r) => r.name === v.name)!;
        const good = v.pts.filter(ok);
        const te = growthExponent(good.map((p) => ({ n: p.tokens, y: p.ms! })));
        const me = growthExponent(good.map((p) => ({ n: p.tokens, y: p.peakBytes! })));
        v.pts.forEach((p, i) => {
          body.append(
            h('tr', { 'data-testid': 'bench-row', dataset: { variant: p.variant, tokens: String(p.tokens), ok: String(ok(p)) } },
              h('td', {}, i === 0 ? p.variant : ''),
              h('td', {}, String(p.tokens)),
              p.error ? h('td', { class: 'error', colSpan: 2 }, p.error) : h('td', {}, p.ms!.toFixed(2)),
              p.error ? null : h('td', {}, kb(p.peakBytes!)),
              i === 0 ? h('td', { rowSpan: v.pts.length, 'data-testid': 'bench-exponent', dataset: { variant: v.name } }, te === null ? '—' : te.toFixed(2)) : null,
              i === 0 ? h('td', { rowSpan: v.pts.length }, me === null ? '—' : me.toFixed(2)) : null,
              i === 0 ? h('td', { rowSpan: v.pts.length }, `${d.complexity.time} / ${d.complexity.memory}`) : null,
            ),
          );
        });
      }
      table.append(body);
    };
    return () => {
      cancelled = true;
    };
  },
};
