// Attention explorer: one input, every chosen variant's attention map for a clicked query token.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions, type AttentionLayer, type RegisteredAttention } from '@attention-zoo/attention-core';
import type { Page } from '../app.js';
import { field, h, select } from '../dom.js';
import { createDrawPad } from '../draw-pad.js';
import { checkpoint, isCancelled } from '../job.js';
import { grey, paintGrid, type GridImage } from '../heatmap.js';
import { buildLayer } from '../layers.js';
import { embedImage, embedText, IMAGE_SIDE, SAMPLES, type TokenInput } from './inputs.js';
import { attentionRanks, type RankReport } from './ranks.js';

const DIM = 32;
const HEADS = 2;
const PAPER_SET = ['softmax', 'linear-elu', 'flatten', 'aft-simple'];
const VIEW = 256; // px of a map

interface Result {
  d: RegisteredAttention;
  /** Host copy of the map `[heads, N, N]`, when the variant has one. */
  maps?: Float32Array;
  ranks?: RankReport;
  error?: string;
}

/** Ties the key projection to the query projection so q·k measures token similarity (see the page text). */
function tieQK(layer: AttentionLayer): void {
  const paths = layer.weightPaths();
  for (const part of ['kernel', 'bias']) {
    if (!paths.includes(`q/${part}`) || !paths.includes(`k/${part}`)) continue;
    const [q, k] = [layer.weight(`q/${part}`), layer.weight(`k/${part}`)];
    // Only where the projections have one shape: AFT-conv's K has one channel per head, not dim.
    if (q.shape.join() === k.shape.join()) k.write(q.read());
  }
}

async function analyse(d: RegisteredAttention, input: TokenInput, tie: boolean): Promise<Result> {
  if (d.capabilities.attentionMap === 'none') return { d };
  const n = input.x.shape[1];
  let layer: AttentionLayer | undefined;
  let map: tf.Tensor | undefined;
  try {
    layer = buildLayer(d, { dim: DIM, numHeads: HEADS, tokens: n, grid: input.grid }, input.x);
    if (tie) tieQK(layer);
    map = layer.attentionMap(input.x); // [1, H, N, N]
    const maps = (await map.data()) as Float32Array;
    const ranks = await attentionRanks(layer, maps, HEADS, n, input.grid);
    return { d, maps, ranks };
  } catch (err) {
    return { d, error: (err as Error).message };
  } finally {
    map?.dispose();
    layer?.dispose();
  }
}

/** Text is shown wrapped, TEXT_WRAP characters a line (the layers still see a 1×N sequence). */
const TEXT_WRAP = 16;

/** `[rows, cols]` the tokens are drawn on: the token grid for images, wrapped lines for text. */
function displayGrid(input: TokenInput): [number, number] {
  const n = input.x.shape[1];
  return input.labels ? [Math.ceil(n / TEXT_WRAP), Math.min(TEXT_WRAP, n)] : input.grid;
}

/** Row `query` of the maps, averaged over heads or of one head, laid out on the display grid. */
function queryRow(r: Result, input: TokenInput, query: number, head: string): GridImage {
  const n = input.x.shape[1];
  const [rows, cols] = displayGrid(input);
  const values = new Float32Array(rows * cols);
  const heads = head === 'mean' ? [...Array(HEADS).keys()] : [Number(head)];
  for (const hh of heads) for (let j = 0; j < n; j++) values[j] += r.maps![hh * n * n + query * n + j]! / heads.length;
  return { rows, cols, values };
}

function drawLabels(canvas: HTMLCanvasElement, labels: string[] | undefined, cell: number): void {
  if (!labels) return;
  const ctx = canvas.getContext('2d')!;
  ctx.font = `${Math.floor(cell * 0.6)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  labels.forEach((ch, i) => {
    ctx.fillStyle = '#fff';
    ctx.fillText(ch, (i % TEXT_WRAP) * cell + cell / 2, Math.floor(i / TEXT_WRAP) * cell + cell / 2);
  });
}

function rankText(r: Result): string {
  if (!r.ranks) return '';
  const n = r.maps ? Math.round(Math.sqrt(r.maps.length / HEADS)) : 0;
  let s = `rank per head: ${r.ranks.perHead.join(', ')} (of ${n})`;
  if (r.ranks.withDwc) s += ` · with DWC: ${r.ranks.withDwc.map((w) => (w.min === w.max ? `${w.min}` : `${w.min}–${w.max}`)).join(', ')}`;
  return s;
}

/** The explorer's settings, kept while the user is on another page. */
let memory: { source: string; text: string; head: string; tie: boolean; chosen?: string[]; query: number } | undefined;

export const explorerPage: Page = {
  id: 'explorer',
  title: 'Attention explorer',
  mount(root, _app, signal) {
    const registered = listAttentions();
    const sources = [...Object.keys(SAMPLES), 'draw', 'text'] as const;
    const mem = (memory ??= { source: Object.keys(SAMPLES)[0]!, text: 'the cat sat on the mat, the dog sat on the log', head: 'mean', tie: true, query: 0 });
    const sourceSel = select(sources as unknown as string[], mem.source, 'explorer-source');
    const textIn = h('input', { type: 'text', value: mem.text, maxLength: 96, size: 48, 'data-testid': 'explorer-text' });
    const pad = createDrawPad(160, 'explorer-pad');
    const padBox = h('div', { class: 'row' }, pad.el, h('button', { onclick: () => { pad.clear(); void recompute(); } }, 'clear'));
    const headSel = select(['mean', ...[...Array(HEADS).keys()].map(String)], mem.head, 'explorer-head');
    const tie = h('input', { type: 'checkbox', checked: mem.tie, 'data-testid': 'explorer-tie' });
    const checks = new Map<string, HTMLInputElement>();
    const variantBox = h('div', { class: 'checks', 'data-testid': 'explorer-variants' });
    // Shown at first: the FLatten paper's comparison (softmax, plain linear, focused linear, AFT);
    // every other registered variant is one click away. All of them when none of these is registered.
    const first = registered.filter((d) => PAPER_SET.includes(d.name));
    for (const d of registered) {
      const c = h('input', { type: 'checkbox', checked: mem.chosen ? mem.chosen.includes(d.name) : first.length === 0 || first.includes(d), value: d.name });
      checks.set(d.name, c);
      variantBox.append(h('label', {}, c, ` ${d.name}`));
    }
    const picture = h('canvas', { class: 'map clickable', 'data-testid': 'explorer-input' });
    const status = h('p', { class: 'status', 'data-testid': 'explorer-status' }, 'computing…');
    const cards = h('div', { class: 'cards', 'data-testid': 'explorer-maps' });

    root.append(
      h('section', { class: 'intro' },
        h('p', {},
          'Each selected variant is an untrained layer (dim 32, 2 heads, seed 0) applied to the same tokens. With "tie q and k" on, the key projection is set equal to the query projection, so q·k measures how alike two tokens are and the map shows how sharply each kernel focuses: softmax\'s exp is peaked, a plain ReLU/elu kernel spreads attention almost uniformly, and FLatten\'s focusing function sharpens it again (Han et al. 2023, Fig. 3). Click a token (on the input or any map) to choose the query. Ranks are numerical ranks of each head\'s N×N matrix; for a layer with a DWC branch, also of A + DWC (Fig. 5).'),
      ),
      h('div', { class: 'controls' },
        field('input', sourceSel), textIn, padBox, field('head', headSel), h('label', {}, tie, ' tie q and k'), variantBox,
      ),
      h('div', { class: 'row' }, h('figure', {}, picture, h('figcaption', {}, 'input (click a token)')), status),
      cards,
    );

    let input: TokenInput | undefined;
    let results: Result[] = [];
    let query = mem.query;
    let run = 0;

    const cellOf = (inp: TokenInput) => {
      const [rows, cols] = displayGrid(inp);
      return Math.max(4, Math.floor(Math.min(VIEW / cols, VIEW / rows, 32)));
    };

    const paint = () => {
      if (!input) return;
      const cell = cellOf(input);
      if (input.labels) {
        const [rows, cols] = displayGrid(input);
        const values = new Float32Array(rows * cols);
        values.fill(0.15, 0, input.labels.length);
        paintGrid(picture, { rows, cols, values }, { cell, max: 1, highlight: query, ramp: grey });
        drawLabels(picture, input.labels, cell);
      } else {
        paintGrid(picture, input.picture, { cell: VIEW / IMAGE_SIDE, max: 1, ramp: grey });
        // Patch grid and the query patch over the picture.
        const ctx = picture.getContext('2d')!;
        const step = VIEW / input.grid[1];
        ctx.strokeStyle = 'rgba(120,160,255,0.35)';
        ctx.lineWidth = 1;
        for (let i = 1; i < input.grid[1]; i++) {
          ctx.beginPath(); ctx.moveTo(i * step, 0); ctx.lineTo(i * step, VIEW); ctx.stroke();
          ctx.beginPath(); ctx.moveTo(0, i * step); ctx.lineTo(VIEW, i * step); ctx.stroke();
        }
        ctx.strokeStyle = '#ff3b30';
        ctx.lineWidth = 3;
        ctx.strokeRect((query % input.grid[1]) * step + 1.5, Math.floor(query / input.grid[1]) * step + 1.5, step - 3, step - 3);
      }
      cards.replaceChildren();
      for (const r of results) {
        const card = h('div', { class: 'card', 'data-testid': 'map-card', dataset: { variant: r.d.name } });
        card.append(h('h3', {}, r.d.name, h('small', {}, ` ${r.d.family}`)));
        if (r.error) {
          card.append(h('p', { class: 'error' }, `could not build this variant here: ${r.error}`));
        } else if (!r.maps) {
          card.append(h('p', { class: 'muted' }, 'this variant defines no attention map (capabilities.attentionMap = none)'));
        } else {
          const c = h('canvas', { class: 'map clickable' });
          const img = queryRow(r, input, query, headSel.value);
          paintGrid(c, img, { cell, highlight: query });
          drawLabels(c, input.labels, cell);
          c.addEventListener('click', (e) => pick(c, e));
          card.append(c);
          if (r.d.capabilities.attentionMap === 'approximate') card.append(h('p', { class: 'muted' }, 'approximate map (display only)'));
          card.append(h('p', { class: 'rank', 'data-testid': 'rank' }, rankText(r)));
        }
        cards.append(card);
      }
    };

    const pick = (canvas: HTMLCanvasElement, e: MouseEvent) => {
      if (!input) return;
      const rect = canvas.getBoundingClientRect();
      const [rows, cols] = displayGrid(input);
      const col = Math.floor(((e.clientX - rect.left) / rect.width) * cols);
      const row = Math.floor(((e.clientY - rect.top) / rect.height) * rows);
      const t = Math.min(rows - 1, Math.max(0, row)) * cols + Math.min(cols - 1, Math.max(0, col));
      if (t >= input.x.shape[1]) return; // the blank end of the last text line
      query = t;
      mem.query = t;
      picture.dataset['query'] = String(query);
      paint();
    };
    picture.addEventListener('click', (e) => pick(picture, e));

    const makeInput = (): TokenInput => {
      const src = sourceSel.value;
      if (src === 'text') return embedText(textIn.value || ' ', DIM);
      if (src === 'draw') return embedImage(pad.pixels(IMAGE_SIDE), DIM);
      return embedImage(SAMPLES[src]!(), DIM);
    };

    const recompute = async () => {
      const mine = ++run;
      Object.assign(mem, { source: sourceSel.value, text: textIn.value, head: headSel.value, tie: tie.checked, chosen: registered.filter((d) => checks.get(d.name)!.checked).map((d) => d.name) });
      textIn.hidden = sourceSel.value !== 'text';
      padBox.hidden = sourceSel.value !== 'draw';
      status.textContent = 'computing…';
      status.dataset['state'] = 'busy';
      input?.x.dispose();
      input = makeInput();
      const n = input.x.shape[1];
      query = Math.min(query, n - 1);
      picture.dataset['query'] = String(query);
      const chosen = registered.filter((d) => checks.get(d.name)!.checked);
      const out: Result[] = [];
      try {
        for (const d of chosen) {
          // Between variants: let the page respond, and stop when it is left.
          await checkpoint(signal);
          if (mine !== run) return;
          const r = await analyse(d, input, tie.checked);
          if (mine !== run) return;
          out.push(r);
        }
      } catch (err) {
        if (isCancelled(err)) return;
        throw err;
      }
      results = out;
      status.textContent = chosen.length === 0 ? 'no variant selected' : `${out.length} variant${out.length === 1 ? '' : 's'}, ${n} tokens, backend ${tf.getBackend()}`;
      status.dataset['state'] = 'done';
      paint();
    };

    sourceSel.addEventListener('change', () => void recompute());
    textIn.addEventListener('change', () => void recompute());
    tie.addEventListener('change', () => void recompute());
    headSel.addEventListener('change', () => {
      mem.head = headSel.value;
      paint();
    });
    variantBox.addEventListener('change', () => void recompute());
    pad.onStroke = () => void recompute();
    void recompute();
    return () => {
      run++;
      input?.x.dispose();
    };
  },
};
