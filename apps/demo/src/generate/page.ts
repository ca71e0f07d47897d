// Generate: small character language models (core's DecoderLM, trained by the trainer's char-lm
// task on Moby-Dick, shipped with the app) continue a prompt one character at a time through
// their attention's `step`. Live: the text, each character's time and the bytes the attention
// state holds — flat for recurrent forms, growing with every token for softmax's KV cache.
import * as tf from '@tensorflow/tfjs-core';
import type { IncrementalKind } from '@attention-zoo/attention-core';
import type { Page } from '../app.js';
import { BROWSER_BACKENDS, timingBackend, type BrowserBackend } from '../backend.js';
import { lineChartSpec, type Series } from '@attention-zoo/plots';
import { chartFigure, chartLegend, drawChart } from '../chart.js';
import { field, h, numberInput, select } from '../dom.js';
import { isCancelled, jobBar } from '../job.js';
import { decodeTokens } from './decode.js';
import { encode, incrementalKind, listCharLms, loadCharLm, readCharLmMetadata, type CharLmMetadata } from './model.js';

const modelsBase = () => new URL('models/', document.baseURI).href;
/** Most characters one run may ask for. */
const MAX_NEW = 5000;
/** The charts are redrawn every this many characters (and at the end). */
const REDRAW_EVERY = 8;

const KIND_TEXT: Record<IncrementalKind, string> = {
  recurrent: 'recurrent: a fixed-size state (running sums), the same bytes at every position',
  window: 'window: a buffer of the last w keys and values, bounded by the window whatever the position',
  cache: 'cache: every past key and value (the KV cache), growing with every token',
};

interface Point {
  position: number;
  bytes: number;
  ms: number;
}

interface GenRun {
  model: string;
  label: string;
  kind: IncrementalKind;
  backend: string;
  prompt: string;
  text: string;
  wanted: number;
  points: Point[];
  /** Smallest and largest state bytes so far. */
  minBytes: number;
  maxBytes: number;
  outcome: string;
  state: 'running' | 'done' | 'stopped' | 'error';
}

interface GenMemory {
  model?: string;
  backend?: BrowserBackend;
  prompt: string;
  tokens: string;
  temperature: string;
  topK: string;
  seed: string;
  /** The last run, shown again on return. */
  last?: GenRun;
  /** Each model's last run, so the charts compare them. */
  runs: Map<string, GenRun>;
}

const memory: GenMemory = { prompt: 'Call me Ishmael. ', tokens: '200', temperature: '0.8', topK: '10', seed: '0', runs: new Map() };

function kB(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10240 ? 2 : 1)} kB`;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const generatePage: Page = {
  id: 'generate',
  title: 'Generate',
  mount(root, app, pageSignal) {
    const modelSel = h('select', { 'data-testid': 'gen-model', disabled: true }, h('option', {}, 'loading…'));
    const backendSel = select(BROWSER_BACKENDS, memory.backend ?? timingBackend(app.backend()), 'gen-backend');
    const promptIn = h('input', { type: 'text', value: memory.prompt, 'data-testid': 'gen-prompt', size: 24 });
    promptIn.spellcheck = false;
    const tokensIn = numberInput(Number(memory.tokens), { min: 1, max: MAX_NEW, step: 1, testid: 'gen-tokens' });
    const tempIn = numberInput(Number(memory.temperature), { min: 0, step: 0.1, testid: 'gen-temperature' });
    const topKIn = numberInput(Number(memory.topK), { min: 0, step: 1, testid: 'gen-topk' });
    const seedIn = numberInput(Number(memory.seed), { step: 1, testid: 'gen-seed' });
    const runBtn = h('button', { class: 'primary', 'data-testid': 'gen-run', disabled: true }, 'Generate');
    const job = jobBar(pageSignal, 'gen');
    const status = h('p', { class: 'status', 'data-testid': 'gen-status' }, 'looking for the shipped models…');
    const about = h('p', { class: 'muted', 'data-testid': 'gen-about' });
    const promptOut = h('span', { class: 'gen-prompt' });
    const newOut = h('span', { class: 'gen-new' });
    const text = h('pre', { class: 'gen-text', 'data-testid': 'gen-text', 'aria-label': 'generated text', tabindex: 0 }, promptOut, newOut);
    const readout = h('p', { class: 'gen-readout', 'data-testid': 'gen-readout', 'aria-live': 'off' });
    const plots = h('div', { class: 'plot-row', 'data-testid': 'gen-plots' });
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Small character language models continue your prompt one character at a time. Each is the same decoder-only Transformer (core\'s DecoderLM: 1 block, width 32, 2 heads, 11k parameters) trained by the trainer\'s char-lm task on Moby-Dick for a few minutes on one CPU core; only the attention differs. Decoding goes through the attention\'s step: a recurrent form (linear-elu) carries a fixed-size state, a sliding window (local) the last 16 keys and values, softmax a cache of every past key and value. Below: the time of each character and the bytes the attention state holds as the text grows. Tiny models, so the text is Melville-flavoured babble. Leaving the page stops generation and frees its tensors.'),
      ),
      h('div', { class: 'controls' },
        field('model', modelSel), field('backend', backendSel), field('prompt', promptIn), field('characters', tokensIn),
        field('temperature', tempIn), field('top-k', topKIn), field('seed', seedIn), runBtn,
      ),
      about, job.el, status, readout, text, plots,
    );

    const metas = new Map<string, CharLmMetadata>();
    const remember = () => Object.assign(memory, {
      model: modelSel.disabled ? memory.model : modelSel.value, backend: backendSel.value as BrowserBackend, prompt: promptIn.value,
      tokens: tokensIn.value, temperature: tempIn.value, topK: topKIn.value, seed: seedIn.value,
    });
    root.querySelector('.controls')!.addEventListener('change', remember);

    const describe = () => {
      const m = metas.get(modelSel.value);
      if (!m) return;
      const kind = incrementalKind(m.attention)!;
      const opts = Object.entries(m.attentionOptions).map(([k, v]) => `${k} ${v}`).join(', ');
      const acc = m.testAccuracy === undefined ? '' : `; next-character accuracy on held-out text ${(m.testAccuracy * 100).toFixed(0)}%`;
      about.textContent = `${m.attention}${opts ? ` (${opts})` : ''} — state ${KIND_TEXT[kind]}. Trained on ${m.context}-character windows${m.step ? ` for ${m.step} steps` : ''}${acc}.`;
    };
    modelSel.addEventListener('change', describe);

    const stateFig = chartFigure('bytes the attention state holds when each character is sampled (stateBytes)', { 'data-testid': 'gen-state-chart' });
    const timeFig = chartFigure('time per character: one step through the model, read-back of the logits and sampling', { 'data-testid': 'gen-time-chart' });
    /** The text and readout of `run`; with `charts`, the charts of every model's last run too. */
    const render = (run: GenRun, charts: boolean) => {
      promptOut.textContent = run.prompt;
      newOut.textContent = run.text;
      text.dataset['state'] = run.state;
      text.dataset['count'] = String([...run.text].length);
      text.setAttribute('aria-busy', String(run.state === 'running'));
      const last = run.points[run.points.length - 1];
      if (last) {
        const med = median(run.points.slice(1).map((p) => p.ms));
        readout.replaceChildren(
          h('span', {}, `${run.label} · character ${run.points.length} of ${run.wanted}`),
          h('span', {}, `this one ${last.ms.toFixed(1)} ms${Number.isFinite(med) ? `, median ${med.toFixed(1)} ms` : ''}`),
          h('span', { 'data-testid': 'gen-state' }, `attention state ${kB(last.bytes)} at position ${last.position}`),
        );
        Object.assign(readout.dataset, {
          kind: run.kind, model: run.model, count: String(run.points.length), stateBytes: String(last.bytes),
          stateMin: String(run.minBytes), stateMax: String(run.maxBytes),
        });
      } else {
        readout.replaceChildren(`${run.label}: reading the prompt…`);
      }
      if (!charts) return;
      const runs = [...memory.runs.values()];
      const style = (r: GenRun) => [...memory.runs.keys()].indexOf(r.model);
      const stateSeries: Series[] = runs.map((r) => ({ name: `${r.label} (${r.kind}, on ${r.backend})`, style: style(r), points: r.points.map((p) => [p.position, p.bytes / 1024] as [number, number]) }));
      const msSeries: Series[] = runs.map((r) => ({ name: `${r.label} (${r.kind}, on ${r.backend})`, style: style(r), points: r.points.slice(1).map((p) => [p.position, p.ms] as [number, number]) }));
      plots.replaceChildren(stateFig.figure, timeFig.figure, chartLegend(stateSeries));
      const chart = { legend: 'none' as const, width: 300, height: 170, x: { title: 'position (characters consumed)', zero: true } };
      void drawChart(stateFig.holder, lineChartSpec({ ...chart, title: 'attention state', y: { title: 'attention state, kB', zero: true }, series: stateSeries }), 'attention state in kB against position');
      void drawChart(timeFig.holder, lineChartSpec({ ...chart, title: 'time per character', y: { title: 'ms per character', zero: true }, series: msSeries }), 'milliseconds per character against position');
    };

    runBtn.addEventListener('click', async () => {
      remember();
      const id = modelSel.value;
      const meta = metas.get(id);
      if (!meta) return;
      const wanted = Math.floor(Number(tokensIn.value));
      const temperature = Number(tempIn.value);
      const topK = Math.floor(Number(topKIn.value));
      const seed = Math.floor(Number(seedIn.value));
      if (!(wanted >= 1 && wanted <= MAX_NEW)) return void (status.textContent = `characters must be between 1 and ${MAX_NEW}`);
      if (!(temperature >= 0)) return void (status.textContent = 'temperature must be 0 (greedy) or more');
      if (!(topK >= 0) || !Number.isFinite(seed)) return void (status.textContent = 'top-k must be 0 (all) or more, and the seed a number');
      const enc = encode(promptIn.value, meta.vocabulary);
      if ('unknown' in enc) return void (status.textContent = `the model never saw ${enc.unknown.map((c) => JSON.stringify(c)).join(', ')}: use the characters of Moby-Dick`);
      if (enc.ids.length === 0) return void (status.textContent = 'type a prompt of at least one character');
      runBtn.disabled = true;
      const signal = job.start();
      const run: GenRun = {
        model: id, label: meta.attention, kind: incrementalKind(meta.attention)!, backend: '', prompt: promptIn.value, text: '', wanted, points: [],
        minBytes: Infinity, maxBytes: 0, outcome: '', state: 'running',
      };
      let model: Awaited<ReturnType<typeof loadCharLm>> | undefined;
      try {
        const want = backendSel.value as BrowserBackend;
        if (tf.getBackend() !== want) {
          job.progress(0, wanted, `switching to ${want}…`);
          const st = await app.switchBackend(want);
          if (st.active !== want) status.textContent = `${want} is not available here; generating on ${st.active}`;
        }
        job.progress(0, wanted, `loading ${id}…`);
        model = await loadCharLm(modelsBase(), id);
        run.backend = tf.getBackend();
        memory.last = run;
        memory.runs.set(id, run);
        status.textContent = `${meta.attention} on ${run.backend}: temperature ${temperature}, top-k ${topK || 'all'}, seed ${seed}`;
        status.dataset['state'] = 'running';
        render(run, true);
        for await (const t of decodeTokens(model.lm, enc.ids, { maxNewTokens: wanted, temperature, ...(topK > 0 ? { topK } : {}), seed }, signal)) {
          run.text += meta.vocabulary[t.id]!;
          run.points.push({ position: t.position, bytes: t.stateBytes, ms: t.ms });
          run.minBytes = Math.min(run.minBytes, t.stateBytes);
          run.maxBytes = Math.max(run.maxBytes, t.stateBytes);
          job.progress(run.points.length, wanted, `${run.points.length} of ${wanted} characters`);
          render(run, run.points.length % REDRAW_EVERY === 0 || run.points.length === wanted);
        }
        run.state = 'done';
        const ms = median(run.points.slice(1).map((p) => p.ms));
        run.outcome = `done: ${run.points.length} characters on ${run.backend}, median ${ms.toFixed(1)} ms per character; attention state ${kB(run.minBytes)} → ${kB(run.maxBytes)}`;
      } catch (err) {
        if (isCancelled(err)) {
          run.state = 'stopped';
          run.outcome = `stopped (${String(signal.reason ?? 'stopped')}) after ${run.points.length} of ${wanted} characters`;
        } else {
          run.state = 'error';
          run.outcome = `failed: ${(err as Error).message}`;
        }
      } finally {
        model?.dispose();
        runBtn.disabled = false;
      }
      job.finish(`${run.points.length} of ${wanted} characters`);
      status.textContent = run.outcome;
      status.dataset['state'] = run.state;
      render(run, true);
    });

    const start = async () => {
      let ids: string[];
      try {
        ids = await listCharLms(modelsBase());
        for (const id of ids) metas.set(id, await readCharLmMetadata(modelsBase(), id));
      } catch (err) {
        status.textContent = `the shipped language models could not be read: ${(err as Error).message}`;
        status.dataset['state'] = 'error';
        return;
      }
      if (pageSignal.aborted) return;
      if (ids.length === 0) {
        status.textContent = 'No character language model is shipped with this build (models/generate.json; see apps/demo/README.md).';
        status.dataset['state'] = 'missing';
        return;
      }
      modelSel.replaceChildren(...ids.map((id) => {
        const m = metas.get(id)!;
        return h('option', { value: id, selected: id === memory.model }, `${m.attention} (${incrementalKind(m.attention)})`);
      }));
      modelSel.disabled = false;
      runBtn.disabled = false;
      describe();
      if (memory.last) {
        render(memory.last, true);
        status.textContent = `last run: ${memory.last.outcome || 'cut short when you left the page'}`;
        status.dataset['state'] = memory.last.state;
      } else {
        status.textContent = 'Choose a model and press Generate.';
        status.dataset['state'] = 'ready';
      }
    };
    void start();
    return () => {};
  },
};
