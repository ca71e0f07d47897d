// Pattern gallery: the N×N pattern of every registered sparse variant — fixed patterns from the
// layer's `patternMask`, learned ones (Reformer, Sinkhorn) from its attention map on a fixed input.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions, SHARED_CONFIG_KEYS, type RegisteredAttention } from '@attention-zoo/attention-core';
import { nearlySquareGrid } from '@attention-zoo/attention-core/ops';
import type { Page } from '../app.js';
import { field, h, select } from '../dom.js';
import { checkpoint, isCancelled } from '../job.js';
import { buildLayer, createLayer } from '../layers.js';
import { density, learnedPatternVariants, paintPattern, patternVariants, readPattern, weightPattern, WEIGHT_FLOOR, type Pattern, type PatternLayer } from './pattern-mask.js';

const DIM = 32;
const HEADS = 2;
const TOKENS = ['64', '128', '256', '512'] as const;
/** N ≥ 256: at 64 the default windows and blocks cover most of the matrix and every pattern looks dense. */
const FIRST_TOKENS = '256';

/**
 * Gallery starting values where a variant's own defaults (sized for long sequences: blocks of
 * 128, windows of ±32) would fill most of a 256×256 picture. Every one is a control on the card.
 */
const GALLERY_START: Record<string, Record<string, number>> = {
  'sparse-fixed': { blockSize: 32, summarySize: 4 },
  bigbird: { blockSize: 8 },
  local: { radius: 12 },
  strided: { stride: 16 },
  longformer: { radius: 12 },
  'reformer-lsh': { chunkLength: 16, numBuckets: 16 },
  sinkhorn: { blockSize: 32 },
};

/** One line on each option the cards expose (the layers' own config keys). */
const OPTION_HELP: Record<string, string> = {
  radius: 'keys within ±radius of the query are attended (the sliding window)',
  dilation: 'the window skips keys: every dilation-th key within the reach',
  stride: 'ℓ: a local block of ℓ keys plus every ℓ-th key (Child et al. 2019)',
  blockSize: 'tokens per block; N must be a multiple',
  summarySize: 'c: the last c positions of each block summarise it and are attended by later queries',
  windowBlocks: 'odd number of neighbouring blocks each query block attends',
  numRandomBlocks: 'random key blocks per query block, drawn per head',
  randomSeed: 'seed of the random blocks',
  chunkLength: 'tokens per chunk of the bucket-sorted sequence; each chunk attends itself and the one before',
  numBuckets: 'hash buckets (even); similar tokens share a bucket',
  numHashes: 'hash rounds: each round its own buckets, combined',
  hashSeed: 'seed of the random rotations that hash the tokens',
  sinkhornIterations: 'row/column normalisations that make the block sorting a (soft) permutation',
  temperature: 'τ of the sorting logits: lower = harder sorting',
  numGlobalTokens: 'learned extra tokens that attend and are attended by every token',
  scale: 'logit scale (does not change the pattern)',
  causal: 'queries attend only keys at or before them',
};

/** Config keys that are not the variant's own: every attention layer's, and tfjs-layers' `Layer` keys. */
const NOT_VARIANT_KEYS = new Set<string>([...SHARED_CONFIG_KEYS, 'name', 'trainable', 'dtype', 'batchInputShape']);

/** What the gallery keeps while the user is on another page. */
const memory: { tokens: string; options: Map<string, Record<string, unknown>> } = { tokens: FIRST_TOKENS, options: new Map() };

/** One gallery card: the variant's own numeric/boolean config keys as controls, and its pattern. */
function card(d: RegisteredAttention, learned: boolean, tokens: () => number): { el: HTMLElement; refresh: () => Promise<void> } {
  const el = h('div', { class: 'card', 'data-testid': 'pattern-card', dataset: { variant: d.name, kind: learned ? 'learned' : 'fixed' } });
  const params = h('div', { class: 'params' });
  const canvas = h('canvas', { class: 'pattern' });
  const info = h('p', { class: 'muted', 'data-testid': 'pattern-info' });
  const headSel = h('select', { 'aria-label': 'head' });
  const headField = field('head', headSel);
  headField.dataset['testid'] = 'pattern-head';
  headField.title = 'each head may have its own pattern (BigBird draws its random blocks per head; Reformer hashes per head)';
  headField.hidden = true;
  const how = learned
    ? 'Learned: depends on the input. Drawn from the layer\'s exact attention map for a fixed random input; shade = weight (row-scaled).'
    : 'Fixed: the layer\'s patternMask, the same for every input.';
  el.append(h('h3', {}, d.name, h('small', {}, ` ${d.family}`)), h('p', { class: 'muted' }, d.summary), h('p', { class: 'muted' }, how), params, headField, canvas, info);
  const controls = new Map<string, HTMLInputElement>();
  let pattern: Pattern | undefined;

  const overrides = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { ...GALLERY_START[d.name], ...memory.options.get(d.name) };
    for (const [k, c] of controls) o[k] = c.type === 'checkbox' ? c.checked : Number(c.value);
    return o;
  };
  const draw = () => {
    if (!pattern) return;
    const i = Number(headSel.value || 0);
    paintPattern(canvas, pattern, i);
    const dens = density(pattern.matrices[i]!);
    const pairs = learned ? `of pairs carry ≥ ${WEIGHT_FLOOR * 100}% of their row's largest weight` : 'of pairs computed';
    info.textContent = `${pattern.rows}×${pattern.cols}, ${(dens * 100).toFixed(1)}% ${pairs} (≈ ${Math.round(dens * pattern.cols)} keys per query)`;
    el.dataset['density'] = dens.toFixed(4);
  };
  headSel.addEventListener('change', draw);

  const refresh = async () => {
    const n = tokens();
    const shape = { dim: DIM, numHeads: HEADS, tokens: n, grid: nearlySquareGrid(n) };
    // A learned pattern needs the weights and an input; a fixed one is the layer's config alone
    // (no forward pass: on software WebGPU, building 10 layers at N = 256 took minutes).
    const x = learned ? (tf.randomNormal([1, n, DIM], 0, 1, 'float32', 3) as tf.Tensor3D) : undefined;
    let layer: PatternLayer | undefined;
    try {
      layer = (x ? buildLayer(d, shape, x, overrides()) : createLayer(d, shape, overrides())) as PatternLayer;
      if (controls.size === 0) {
        // First build: expose the variant's own keys (window, block size, buckets, …) as controls.
        const cfg = layer.getConfig() as Record<string, unknown>;
        for (const [k, v] of Object.entries(cfg)) {
          if (NOT_VARIANT_KEYS.has(k)) continue;
          if (typeof v !== 'number' && typeof v !== 'boolean') continue;
          const c = typeof v === 'boolean'
            ? h('input', { type: 'checkbox', checked: v })
            : h('input', { type: 'number', value: String(v), step: Number.isInteger(v) ? 1 : 'any', 'data-testid': `param-${k}` });
          c.addEventListener('change', () => {
            memory.options.set(d.name, { ...memory.options.get(d.name), [k]: c.type === 'checkbox' ? c.checked : Number(c.value) });
            void refresh();
          });
          controls.set(k, c);
          const f = field(k, c);
          const help = OPTION_HELP[k];
          if (help) f.title = help;
          params.append(h('div', { class: 'param' }, f, help ? h('small', { class: 'muted' }, help) : null));
        }
      }
      if (x) {
        const map = layer.attentionMap(x);
        try {
          pattern = await weightPattern(map);
        } finally {
          map.dispose();
        }
      } else {
        pattern = await readPattern(layer.patternMask(n));
      }
      const heads = pattern.matrices.length;
      const keep = Math.min(Number(headSel.value || 0), heads - 1);
      headSel.replaceChildren(...pattern.matrices.map((_, i) => h('option', { value: String(i), selected: i === keep }, `head ${i + 1} of ${heads}`)));
      headField.hidden = heads < 2;
      el.dataset['state'] = 'done';
      draw();
    } catch (err) {
      pattern = undefined;
      el.dataset['state'] = 'error';
      info.textContent = `cannot draw with these parameters: ${(err as Error).message}`;
    } finally {
      x?.dispose();
      if (layer?.built) layer.dispose(); // an unbuilt layer holds no weights (and tfjs refuses to dispose it)
    }
  };
  return { el, refresh };
}

export const patternsPage: Page = {
  id: 'patterns',
  title: 'Pattern gallery',
  mount(root, _app, signal) {
    const all = listAttentions();
    const fixed = patternVariants(all);
    const learned = learnedPatternVariants(all);
    const tokenSel = select(TOKENS, memory.tokens as (typeof TOKENS)[number], 'pattern-tokens');
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Which (query, key) pairs each sparse variant computes, drawn like the figures of the efficient-Transformer surveys (Tay et al. 2022): row = query, column = key, filled = computed. Fixed patterns come from the layer\'s own patternMask. Learned patterns (Reformer\'s hash buckets, Sinkhorn\'s sorted blocks) depend on the input, so they are drawn from the layer\'s exact attention map for one fixed random input, shaded by weight. Each card\'s controls are the variant\'s own options (hover or read the line under each); a head selector appears when the heads differ.'),
      ),
      h('div', { class: 'controls' }, field('tokens N', tokenSel), h('span', { class: 'muted' }, 'sequence length: the picture is N×N')),
    );
    if (fixed.length + learned.length === 0) {
      root.append(
        h('p', { class: 'empty', 'data-testid': 'patterns-empty' },
          `No registered variant draws a pattern yet. Registered now: ${all.map((d) => d.name).join(', ') || 'none'}; none of their layers has a patternMask(tokens) method. The sparse variants (local, strided, Longformer, BigBird, Reformer, Sinkhorn) appear here once their package is published from packages/ (tooling/variants imports every one).`),
      );
      return () => {};
    }
    const grid = h('div', { class: 'cards', 'data-testid': 'pattern-cards' });
    root.append(grid);
    const cards = [...fixed.map((d) => card(d, false, () => Number(tokenSel.value))), ...learned.map((d) => card(d, true, () => Number(tokenSel.value)))];
    for (const c of cards) grid.append(c.el);
    let pass = 0;
    const refreshAll = async () => {
      const mine = ++pass;
      try {
        for (const c of cards) {
          await checkpoint(signal);
          if (mine !== pass) return;
          await c.refresh();
        }
      } catch (err) {
        if (!isCancelled(err)) throw err;
      }
    };
    tokenSel.addEventListener('change', () => {
      memory.tokens = tokenSel.value;
      void refreshAll();
    });
    void refreshAll();
    return () => {};
  },
};
