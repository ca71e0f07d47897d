// Pattern gallery: the N×N pattern of every registered variant whose layer has `patternMask`.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions, SHARED_CONFIG_KEYS, type RegisteredAttention } from '@attention-zoo/attention-core';
import { nearlySquareGrid } from '@attention-zoo/attention-core/ops';
import type { Page } from '../app.js';
import { field, h, select } from '../dom.js';
import { buildLayer } from '../layers.js';
import { density, paintPattern, patternVariants, readPattern, type PatternLayer } from './pattern-mask.js';

const DIM = 32;
const HEADS = 2;
const TOKENS = ['16', '32', '64', '128', '256'] as const;

/** Config keys that are not the variant's own: every attention layer's, and tfjs-layers' `Layer` keys. */
const NOT_VARIANT_KEYS = new Set<string>([...SHARED_CONFIG_KEYS, 'name', 'trainable', 'dtype', 'batchInputShape']);

/** One gallery card: the variant's own numeric/boolean config keys as controls, and its pattern. */
function card(d: RegisteredAttention, tokens: () => number): { el: HTMLElement; refresh: () => Promise<void> } {
  const el = h('div', { class: 'card', 'data-testid': 'pattern-card', dataset: { variant: d.name } });
  const params = h('div', { class: 'params' });
  const canvas = h('canvas', { class: 'pattern' });
  const info = h('p', { class: 'muted', 'data-testid': 'pattern-info' });
  const headSel = h('select', {});
  el.append(h('h3', {}, d.name, h('small', {}, ` ${d.family}`)), h('p', { class: 'muted' }, d.summary), params, canvas, info);
  const controls = new Map<string, HTMLInputElement>();
  let pattern: Awaited<ReturnType<typeof readPattern>> | undefined;

  const overrides = (): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (const [k, c] of controls) o[k] = c.type === 'checkbox' ? c.checked : Number(c.value);
    return o;
  };
  const draw = () => {
    if (!pattern) return;
    const i = Number(headSel.value || 0);
    paintPattern(canvas, pattern, i);
    const dens = density(pattern.matrices[i]!);
    info.textContent = `${pattern.rows}×${pattern.cols}, ${(dens * 100).toFixed(1)}% of pairs computed (≈ ${Math.round(dens * pattern.cols)} keys per query)`;
  };
  headSel.addEventListener('change', draw);

  const refresh = async () => {
    const n = tokens();
    const x = tf.randomNormal([1, n, DIM], 0, 1, 'float32', 3) as tf.Tensor3D;
    let layer: PatternLayer | undefined;
    try {
      layer = buildLayer(d, { dim: DIM, numHeads: HEADS, tokens: n, grid: nearlySquareGrid(n) }, x, overrides()) as PatternLayer;
      if (controls.size === 0) {
        // First build: expose the variant's own keys (window, block size, buckets, …) as controls.
        const cfg = layer.getConfig() as Record<string, unknown>;
        for (const [k, v] of Object.entries(cfg)) {
          if (NOT_VARIANT_KEYS.has(k)) continue;
          if (typeof v !== 'number' && typeof v !== 'boolean') continue;
          const c = typeof v === 'boolean'
            ? h('input', { type: 'checkbox', checked: v })
            : h('input', { type: 'number', value: String(v), step: Number.isInteger(v) ? 1 : 'any', 'data-testid': `param-${k}` });
          c.addEventListener('change', () => void refresh());
          controls.set(k, c);
          params.append(field(k, c));
        }
      }
      pattern = await readPattern(layer.patternMask(n, x));
      headSel.replaceChildren(...pattern.matrices.map((_, i) => h('option', { value: String(i) }, `matrix ${i + 1} of ${pattern!.matrices.length}`)));
      if (pattern.matrices.length > 1 && !headSel.isConnected) params.append(field('show', headSel));
      el.dataset['state'] = 'done';
      draw();
    } catch (err) {
      pattern = undefined;
      el.dataset['state'] = 'error';
      info.textContent = `cannot draw with these parameters: ${(err as Error).message}`;
    } finally {
      x.dispose();
      layer?.dispose();
    }
  };
  return { el, refresh };
}

export const patternsPage: Page = {
  id: 'patterns',
  title: 'Pattern gallery',
  mount(root) {
    const all = listAttentions();
    const variants = patternVariants(all);
    const tokenSel = select(TOKENS, '64', 'pattern-tokens');
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Which (query, key) pairs each sparse variant computes, drawn like the figures of the efficient-Transformer surveys (Tay et al. 2022): row = query, column = key, filled = computed. Learned patterns (Reformer buckets, Sinkhorn sorted blocks) are drawn for a fixed random input. Each card\'s controls are the variant\'s own options.'),
      ),
      h('div', { class: 'controls' }, field('tokens N', tokenSel)),
    );
    if (variants.length === 0) {
      root.append(
        h('p', { class: 'empty', 'data-testid': 'patterns-empty' },
          `No registered variant draws a pattern yet. Registered now: ${all.map((d) => d.name).join(', ') || 'none'}; none of their layers has a patternMask(tokens) method. The sparse variants (local, strided, Longformer, BigBird, Reformer, Sinkhorn) appear here once their package is published from packages/ (tooling/variants imports every one).`),
      );
      return () => {};
    }
    const grid = h('div', { class: 'cards', 'data-testid': 'pattern-cards' });
    root.append(grid);
    const cards = variants.map((d) => card(d, () => Number(tokenSel.value)));
    for (const c of cards) grid.append(c.el);
    const refreshAll = async () => {
      for (const c of cards) await c.refresh();
    };
    tokenSel.addEventListener('change', () => void refreshAll());
    void refreshAll();
    return () => {};
  },
};
