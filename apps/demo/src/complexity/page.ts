// Complexity lab: forward time and memory against N on a chosen backend, log-log, with fitted exponents.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions, type RegisteredAttention } from '@attention-zoo/attention-core';
import type { App, Page } from '../app.js';
import { BROWSER_BACKENDS, timingBackend, type BrowserBackend } from '../backend.js';
import { field, h, numberInput, select } from '../dom.js';
import { isCancelled, jobBar } from '../job.js';
import { growthChartSpec, type GrowthSeries } from '@attention-zoo/plots';
import { chartFigure, chartLegend, drawChart } from '../chart.js';
import { fitExponent, FIT_FROM, type Fit } from './fit.js';
import { measurePoint, type BenchPoint } from './measure.js';

/** Checked at first: one quadratic reference and three linear-time forms; the rest is a click away. */
const FIRST_SELECTION = ['softmax', 'linear-elu', 'performer', 'local'];

function parseTokens(s: string): number[] {
  const ns = s.split(/[\s,]+/).filter(Boolean).map(Number);
  if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`tokens must be positive integers separated by commas, got "${s}"`);
  return [...new Set(ns)].sort((a, b) => a - b);
}

const kb = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

/** What the lab keeps while the user is on another page: its settings and the last run's points. */
interface LabMemory {
  backend: BrowserBackend;
  tokens: string;
  dim: string;
  heads: string;
  repeats: string;
  chosen: string[];
  run?: { points: BenchPoint[]; names: string[]; backend: string; status: string };
}

let memory: LabMemory | undefined;

function defaults(app: App, registered: RegisteredAttention[]): LabMemory {
  const first = registered.filter((d) => FIRST_SELECTION.includes(d.name)).map((d) => d.name);
  return {
    backend: timingBackend(app.backend()),
    tokens: '128, 256, 512, 1024',
    dim: '64',
    heads: '4',
    repeats: '3',
    chosen: first.length ? first : registered.slice(0, 4).map((d) => d.name),
  };
}

const fitText = (f: Fit) => (f.exponent === null ? `— (needs two sizes ≥ ${FIT_FROM})` : `${f.exponent.toFixed(2)}`);
const rangeText = (f: Fit) => (f.range ? `N ${f.range[0]}–${f.range[1]}` : '');

export const complexityPage: Page = {
  id: 'complexity',
  title: 'Complexity lab',
  mount(root, app, pageSignal) {
    const registered = listAttentions();
    const mem = (memory ??= defaults(app, registered));
    const backendSel = select(BROWSER_BACKENDS, mem.backend, 'bench-backend');
    const backendNow = h('span', { class: 'pill', 'data-testid': 'bench-active' }, app.backend().active);
    const tokensIn = h('input', { type: 'text', value: mem.tokens, size: 22, 'data-testid': 'bench-tokens' });
    const dimIn = numberInput(Number(mem.dim), { min: 8, step: 8, testid: 'bench-dim' });
    const headsIn = numberInput(Number(mem.heads), { min: 1, step: 1, testid: 'bench-heads' });
    const repeatsIn = numberInput(Number(mem.repeats), { min: 1, step: 1, testid: 'bench-repeats' });
    const checks = new Map<string, HTMLInputElement>();
    const variantBox = h('div', { class: 'checks', 'data-testid': 'bench-variants' });
    for (const d of registered) {
      const c = h('input', { type: 'checkbox', checked: mem.chosen.includes(d.name), value: d.name });
      checks.set(d.name, c);
      variantBox.append(h('label', { title: `${d.family}: ${d.complexity.time} time, ${d.complexity.memory} memory` }, c, ` ${d.name}`));
    }
    const setAll = (on: boolean) => {
      for (const c of checks.values()) c.checked = on;
      remember();
    };
    const allBtn = h('button', { type: 'button', 'data-testid': 'bench-all', onclick: () => setAll(true) }, 'all');
    const noneBtn = h('button', { type: 'button', 'data-testid': 'bench-none', onclick: () => setAll(false) }, 'none');
    const runBtn = h('button', { 'data-testid': 'bench-run', class: 'primary' }, 'Run benchmark');
    const gpu = app.backend();
    const softwareNote = gpu.active === 'webgpu' && gpu.softwareAdapter
      ? `WebGPU here is a software adapter (${gpu.adapter ?? 'SwiftShader'}): it emulates the GPU on the CPU, so timing on it measures the emulator. The lab times on ${mem.backend} instead; pick webgpu to compare.`
      : null;
    const status = h('p', { class: 'status', 'data-testid': 'bench-status' }, 'Choose variants and lengths, then run. Leaving the page stops the run; the points measured so far stay here.');
    const job = jobBar(pageSignal, 'bench');
    const charts = h('div', { class: 'row charts' });
    const table = h('table', { class: 'results', 'data-testid': 'bench-results' });
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, `Times one forward pass of each chosen layer (batch 1) at each length N on the chosen backend: median of the timed passes after a warm-up, read-back included. Memory is the peak size of the tensors the pass holds at once (tf.profile), weights and input excluded. The exponent is the least-squares slope of log(time) and log(memory) against log(N), fitted only over the sizes N ≥ ${FIT_FROM}: below that, fixed costs (kernel launches, read-back, the projections) dominate and the slope means little. Expect about 2 for softmax and about 1 for the linear variants.`),
        softwareNote ? h('p', { class: 'note', 'data-testid': 'bench-software-note' }, softwareNote) : null,
      ),
      h('div', { class: 'controls' },
        field('backend', backendSel), h('span', {}, 'active: ', backendNow),
        field('tokens N', tokensIn), field('dim', dimIn), field('heads', headsIn), field('timed passes', repeatsIn),
        h('div', { class: 'variant-pick' }, h('span', { class: 'muted' }, 'variants ', allBtn, ' ', noneBtn), variantBox),
        runBtn,
      ),
      job.el, status, charts, h('div', { class: 'table-scroll' }, table),
    );

    const remember = () => {
      Object.assign(mem, {
        backend: backendSel.value as BrowserBackend,
        tokens: tokensIn.value,
        dim: dimIn.value,
        heads: headsIn.value,
        repeats: repeatsIn.value,
        chosen: registered.filter((d) => checks.get(d.name)!.checked).map((d) => d.name),
      });
    };
    for (const c of [tokensIn, dimIn, headsIn, repeatsIn, variantBox]) c.addEventListener('change', remember);

    /** Switches the app to the lab's backend; false (with the reason shown) when it cannot start. */
    const useBackend = async (want: BrowserBackend): Promise<boolean> => {
      if (app.backend().active === want) return true;
      status.textContent = `switching to ${want}…`;
      const st = await app.switchBackend(want);
      backendNow.textContent = st.active;
      if (st.active === want) return true;
      backendSel.value = st.active;
      remember();
      status.textContent = `${want} is not available here (${st.skipped.find((s) => s.name === want)?.reason ?? 'failed to start'}); using ${st.active}`;
      return false;
    };

    backendSel.addEventListener('change', async () => {
      runBtn.disabled = true;
      remember();
      if (await useBackend(backendSel.value as BrowserBackend)) status.textContent = `backend: ${app.backend().active}`;
      runBtn.disabled = false;
    });

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
      remember();
      const chosen = registered.filter((d) => checks.get(d.name)!.checked);
      if (chosen.length === 0) {
        status.textContent = 'choose at least one variant';
        return;
      }
      runBtn.disabled = true;
      await useBackend(backendSel.value as BrowserBackend);
      const signal = job.start();
      table.dataset['state'] = 'busy';
      const points: BenchPoint[] = [];
      const backend = tf.getBackend();
      const names = chosen.map((c) => c.name);
      const total = chosen.length * tokens.length;
      let end: string;
      try {
        for (const d of chosen) {
          for (const n of tokens) {
            const what = `measuring ${d.name} at N = ${n} on ${backend}`;
            job.progress(points.length, total, `${points.length} of ${total}: ${what}…`);
            status.textContent = `${what}…`;
            points.push(await measurePoint(d, n, { dim, numHeads: heads, repeats }, signal));
            await render(points, names, backend);
          }
        }
        end = `done: ${points.filter((p) => !p.error).length} of ${points.length} points on ${backend}`;
        table.dataset['state'] = 'done';
      } catch (err) {
        if (!isCancelled(err)) throw err;
        end = `stopped (${signal.reason}) after ${points.length} of ${total} points on ${backend}`;
        table.dataset['state'] = 'stopped';
      }
      job.progress(points.length, total, end);
      job.finish(end);
      status.textContent = end;
      mem.run = { points, names, backend, status: end };
      runBtn.disabled = false;
    });

    const timeFig = chartFigure('time');
    const memFig = chartFigure('memory');
    /** Redraws the charts and the table from the points so far; resolves once the charts are drawn. */
    const render = (points: BenchPoint[], names: string[], backend: string): Promise<unknown> => {
      const ok = (p: BenchPoint) => p.error === undefined;
      const byVariant = names.map((name) => ({ d: registered.find((r) => r.name === name), name, pts: points.filter((p) => p.variant === name) }));
      const series = (y: (p: BenchPoint) => number): GrowthSeries[] =>
        byVariant.map((v) => {
          const pts = v.pts.filter(ok).map((p) => ({ n: p.tokens, y: y(p) }));
          const f = fitExponent(pts);
          return { name: v.name, points: pts.map((p) => [p.n, p.y] as const), fit: f.exponent === null ? null : { exponent: f.exponent, range: f.range! } };
        });
      timeFig.caption.textContent = `time on ${backend}`;
      memFig.caption.textContent = `memory on ${backend}`;
      // The figures stay while their charts are redrawn, so a live run does not flicker.
      charts.replaceChildren(timeFig.figure, memFig.figure, chartLegend(byVariant.map((v) => ({ name: v.name, group: v.d?.family }))));
      const chart = { legend: 'none' as const, width: 300, height: 200 };
      const drawn = Promise.all([
        drawChart(timeFig.holder, growthChartSpec({ ...chart, title: 'forward time', y: 'forward time, ms', series: series((p) => p.ms!) }), 'forward time against tokens N, log-log'),
        drawChart(memFig.holder, growthChartSpec({ ...chart, title: 'peak memory', y: 'peak tensor bytes', series: series((p) => p.peakBytes!) }), 'peak tensor bytes against tokens N, log-log'),
      ]);
      table.replaceChildren(
        h('thead', {}, h('tr', {}, ...['variant', 'N', 'time (ms)', 'peak memory', 'time exponent', 'memory exponent', 'fitted over', 'declared'].map((t) => h('th', {}, t)))),
      );
      const body = h('tbody', {});
      for (const v of byVariant) {
        const good = v.pts.filter(ok);
        const te = fitExponent(good.map((p) => ({ n: p.tokens, y: p.ms! })));
        const me = fitExponent(good.map((p) => ({ n: p.tokens, y: p.peakBytes! })));
        v.pts.forEach((p, i) => {
          const span = { rowSpan: v.pts.length };
          body.append(
            h('tr', { 'data-testid': 'bench-row', dataset: { variant: p.variant, tokens: String(p.tokens), ok: String(ok(p)) } },
              h('td', {}, i === 0 ? p.variant : ''),
              h('td', {}, String(p.tokens)),
              p.error ? h('td', { class: 'error', colSpan: 2 }, p.error) : h('td', {}, p.ms!.toFixed(2)),
              p.error ? null : h('td', {}, kb(p.peakBytes!)),
              i === 0 ? h('td', { ...span, 'data-testid': 'bench-exponent', dataset: { variant: v.name, exponent: String(te.exponent ?? '') } }, fitText(te)) : null,
              i === 0 ? h('td', { ...span, 'data-testid': 'bench-memory-exponent', dataset: { variant: v.name, exponent: String(me.exponent ?? '') } }, fitText(me)) : null,
              i === 0 ? h('td', { ...span, 'data-testid': 'bench-fit-range' }, rangeText(te)) : null,
              i === 0 ? h('td', span, v.d ? `${v.d.complexity.time} / ${v.d.complexity.memory}` : '') : null,
            ),
          );
        });
      }
      table.append(body);
      return drawn;
    };

    if (mem.run) {
      // Back on the page: the last run as it ended (finished, stopped, or cut short by leaving).
      void render(mem.run.points, mem.run.names, mem.run.backend);
      status.textContent = `last run: ${mem.run.status}`;
      table.dataset['state'] = 'restored';
    }
    return () => {};
  },
};
