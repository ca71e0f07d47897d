// Classifier: draw a digit, classify it with the trainer's exported model, show the last layer's attention.
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from '../app.js';
import { h } from '../dom.js';
import { createDrawPad } from '../draw-pad.js';
import { grey, paintGrid, viridis } from '../heatmap.js';
import { attentionOverGrid } from './last-attention.js';
import { freshlyTrained, isTrainedUrl, listTrained, loadTrained } from '../trained.js';
import { listModels, loadClassifier, type Classifier } from './load.js';
import { imageLayout, toModelInput } from './metadata.js';
import { mnistStyle } from './preprocess.js';

const PAD = 280;
const modelsBase = () => new URL('models/', document.baseURI).href;

/** The attention's token grid: the layer's own, else the metadata's, else √N (with or without a class token). */
function tokenGrid(c: Classifier, n: number): [number, number] | null {
  const own = c.last?.attention.grid ?? c.meta.grid;
  if (own) return own;
  for (const cells of [n, n - 1]) {
    const s = Math.round(Math.sqrt(cells));
    if (s * s === cells && s > 0) return [s, s];
  }
  return null;
}

export const classifierPage: Page = {
  id: 'classifier',
  title: 'Classifier',
  mount(root, _app, signal) {
    const status = h('p', { class: 'status', 'data-testid': 'classifier-status' }, 'looking for a shipped model…');
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Draw a digit; a small Transformer classifies it: the one trained by the trainer (apps/trainer) and shipped with this app, or one you trained on the Train page. The drawing is preprocessed like MNIST (bounding box scaled to 20×20, centred by mass in 28×28). Right: what the last attention layer attends to over the drawing, averaged over heads (the class token\'s row, or the mean over queries).'),
      ),
      status,
    );
    let current: Classifier | undefined;

    const start = async () => {
      let ids: string[];
      try {
        // Shipped models, then the ones trained on the Train page and saved in this browser.
        ids = [...(await listModels(modelsBase())), ...(await listTrained())];
      } catch (err) {
        status.textContent = `the model index is broken: ${(err as Error).message}`;
        status.dataset['state'] = 'error';
        return;
      }
      if (signal.aborted) return;
      if (ids.length === 0) {
        status.replaceChildren(
          h('strong', {}, 'No trained model is shipped with this build. '),
          'Train one on the Train page (it is saved in this browser), or export one with the trainer (apps/trainer) into apps/demo/public/models/ (see apps/demo/README.md) and rebuild.',
        );
        status.dataset['state'] = 'missing';
        return;
      }
      const first = freshlyTrained && ids.includes(freshlyTrained) ? freshlyTrained : ids[0]!;
      const modelSel = h('select', { 'data-testid': 'classifier-model' },
        ...ids.map((id) => h('option', { value: id, selected: id === first }, isTrainedUrl(id) ? `trained here: ${id.split('/').pop()}` : id)));
      const pad = createDrawPad(PAD, 'classifier-pad');
      const seen = h('canvas', { class: 'map', 'data-testid': 'classifier-input' });
      const overlay = h('canvas', { class: 'map', 'data-testid': 'classifier-attention' });
      const result = h('div', { class: 'prediction', 'data-testid': 'classifier-result' });
      const bars = h('div', { class: 'bars' });
      const attnNote = h('p', { class: 'muted' });
      const classify = h('button', { class: 'primary', 'data-testid': 'classifier-run' }, 'Classify');
      const clear = h('button', {}, 'Clear');
      root.append(
        h('div', { class: 'controls' }, h('label', { class: 'field' }, h('span', {}, 'model'), modelSel)),
        h('div', { class: 'row' },
          h('figure', {}, pad.el, h('figcaption', {}, classify, ' ', clear)),
          h('figure', {}, seen, h('figcaption', {}, 'what the model sees')),
          h('figure', {}, overlay, h('figcaption', {}, 'last-layer attention')),
          h('div', {}, result, bars, attnNote),
        ),
      );

      const load = async () => {
        current?.dispose();
        current = undefined;
        classify.disabled = true;
        status.textContent = `loading ${modelSel.value}…`;
        try {
          const loaded = isTrainedUrl(modelSel.value) ? await loadTrained(modelSel.value) : await loadClassifier(modelsBase(), modelSel.value);
          if (signal.aborted) {
            loaded.dispose(); // left while it loaded
            return;
          }
          current = loaded;
          const m = current.meta;
          status.textContent = `model ${current.id}: ${m.task}, attention ${m.attention}, input [${m.inputShape}]${m.accuracy !== undefined ? `, test accuracy ${(m.accuracy * 100).toFixed(1)}%` : ''}; backend ${tf.getBackend()}`;
          status.dataset['state'] = 'ready';
          classify.disabled = false;
        } catch (err) {
          status.textContent = `could not load ${modelSel.value}: ${(err as Error).message}`;
          status.dataset['state'] = 'error';
        }
      };

      const run = async () => {
        const c = current;
        if (!c || signal.aborted) return;
        const { height, width } = imageLayout(c.meta);
        const digit = mnistStyle({ width: PAD, height: PAD, data: pad.pixels(PAD) }, width);
        if (!digit || height !== width) {
          result.textContent = digit ? `this model's ${height}×${width} input is not square` : 'draw a digit first';
          return;
        }
        const cell = Math.max(1, Math.floor(180 / width));
        paintGrid(seen, { rows: height, cols: width, values: digit.data }, { cell, max: 1, ramp: grey });
        const p = await c.predict(digit.data);
        if (signal.aborted) return;
        const best = p.indexOf(Math.max(...p));
        result.replaceChildren(h('span', { class: 'big', 'data-testid': 'classifier-label' }, c.meta.classes[best]!), ` ${(p[best]! * 100).toFixed(1)}%`);
        result.dataset['label'] = c.meta.classes[best]!;
        bars.replaceChildren(...[...p].map((v, i) =>
          h('div', { class: 'bar' }, h('span', {}, c.meta.classes[i]!), h('i', { style: `width:${(v * 100).toFixed(1)}%` }), h('em', {}, `${(v * 100).toFixed(1)}`))));
        // The last layer's attention over the drawing.
        if (!c.last) {
          attnNote.textContent = 'this model has no attention layer';
          return;
        }
        if (c.last.attention.capabilities.attentionMap === 'none') {
          attnNote.textContent = `${c.meta.attention} defines no attention map`;
          return;
        }
        try {
          const modelIn = tf.tensor(toModelInput(digit.data, c.meta), [1, ...c.meta.inputShape]);
          let map: tf.Tensor4D;
          try {
            map = tf.tidy(() => c.last!.attention.attentionMap(c.last!.tokensFor(modelIn)));
          } finally {
            modelIn.dispose();
          }
          const [, heads, n] = map.shape;
          const data = (await map.data()) as Float32Array;
          map.dispose();
          const g = tokenGrid(c, n);
          if (!g) throw new Error(`cannot place ${n} tokens on a grid: add "grid" to metadata.json`);
          const over = attentionOverGrid(data, heads, n, g);
          paintGrid(overlay, { rows: height, cols: width, values: digit.data }, { cell, max: 1, ramp: grey });
          const ctx = overlay.getContext('2d')!;
          const cw = overlay.width / g[1];
          const chh = overlay.height / g[0];
          const max = Math.max(...over);
          ctx.globalAlpha = 0.6;
          for (let i = 0; i < over.length; i++) {
            const [r, gg, b] = viridis(max > 0 ? over[i]! / max : 0);
            ctx.fillStyle = `rgb(${r},${gg},${b})`;
            ctx.fillRect((i % g[1]) * cw, Math.floor(i / g[1]) * chh, cw, chh);
          }
          ctx.globalAlpha = 1;
          attnNote.textContent = `${c.last.path}: ${heads} heads over a ${g[0]}×${g[1]} token grid${n === g[0] * g[1] + 1 ? ' (class token row)' : ' (mean over queries)'}`;
        } catch (err) {
          attnNote.textContent = `attention map unavailable: ${(err as Error).message}`;
        }
      };

      modelSel.addEventListener('change', () => void load());
      classify.addEventListener('click', () => void run());
      clear.addEventListener('click', () => {
        pad.clear();
        result.replaceChildren();
        bars.replaceChildren();
      });
      await load();
    };
    void start();
    return () => {
      current?.dispose();
    };
  },
};
