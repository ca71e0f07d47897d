// The demo's charts are @attention-zoo/plots' Vega-Lite specs (the same builders the trainer
// and the bench draw their SVG files with), rendered here by Vega into an <svg> that scales to
// its figure. Their in-chart legend is off: a page draws one HTML legend under its charts
// (grouped by family, wrapping at any width), in the same series styles (`seriesStyle`).
import { seriesStyle, specToSvg, type SeriesStyle, type TopLevelSpec } from '@attention-zoo/plots';
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

/** The latest drawing asked of each holder: an older one that finishes later is dropped. */
const latest = new WeakMap<Element, number>();

/**
 * Draws `spec` into `holder` as `<svg class="chart">`, replacing what was there; resolves once
 * it is in the page. Calls may overlap (live curves): the last one asked for wins.
 */
export async function drawChart(holder: HTMLElement, spec: TopLevelSpec, label: string): Promise<void> {
  const ticket = (latest.get(holder) ?? 0) + 1;
  latest.set(holder, ticket);
  const text = await specToSvg(spec);
  if (latest.get(holder) !== ticket) return;
  const svg = document.importNode(new DOMParser().parseFromString(text, 'image/svg+xml').documentElement, true);
  svg.classList.add('chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  holder.replaceChildren(svg);
}

/** A figure holding a chart (drawn later by `drawChart` into its first child) and a caption. */
export function chartFigure(caption: string, props: Record<string, string> = {}): { figure: HTMLElement; holder: HTMLElement; caption: HTMLElement } {
  const holder = h('div', { class: 'chart-holder' });
  const cap = h('figcaption', {}, caption);
  return { holder, caption: cap, figure: h('figure', { class: 'plot', ...props }, holder, cap) };
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The legend key of a style: its line (dash and all) with its point shape on it. */
function key(st: SeriesStyle): SVGSVGElement {
  const svg = el('svg', { width: 26, height: 10, viewBox: '0 0 26 10' });
  svg.append(el('line', { x1: 1, x2: 25, y1: 5, y2: 5, stroke: st.color, 'stroke-width': 2, 'stroke-dasharray': st.dash.join(' ') }));
  const [x, y, r] = [13, 5, 3];
  if (st.shape === 'circle') svg.append(el('circle', { cx: x, cy: y, r, fill: st.color }));
  else if (st.shape === 'square') svg.append(el('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: st.color }));
  else {
    const pts = st.shape === 'triangle-up' ? [[x, y - r * 1.2], [x + r * 1.1, y + r * 0.9], [x - r * 1.1, y + r * 0.9]] : [[x, y - r * 1.3], [x + r * 1.1, y], [x, y + r * 1.3], [x - r * 1.1, y]];
    svg.append(el('polygon', { points: pts.map((p) => p.join(',')).join(' '), fill: st.color }));
  }
  return svg;
}

export interface LegendEntry {
  name: string;
  /** Group shown in the legend (the variant's family). */
  group?: string;
  /** The style index the charts gave it (`Series.style`, else its position). */
  style?: number;
}

/** One legend for a page's charts, outside them, grouped (e.g. by family), each with its line and marker. */
export function chartLegend(entries: readonly LegendEntry[]): HTMLElement {
  const groups = new Map<string, { e: LegendEntry; i: number }[]>();
  entries.forEach((e, i) => groups.set(e.group ?? '', [...(groups.get(e.group ?? '') ?? []), { e, i }]));
  const list = h('div', { class: 'legend', 'data-testid': 'chart-legend' });
  for (const [group, items] of groups) {
    const row = h('div', { class: 'legend-group' }, group ? h('span', { class: 'legend-title' }, group) : null);
    for (const { e, i } of items) row.append(h('span', { class: 'legend-item' }, key(seriesStyle(e.style ?? i)), e.name));
    list.append(row);
  }
  return list;
}
