// Line charts in SVG (log-log for the complexity lab, linear for training curves), one series
// per variant or metric, with the legend outside the plot (an HTML list under it): 30 names
// inside the plot covered the lines. Colours come from a
// 10-colour qualitative palette; past ten series the dash pattern and marker change too, so
// no two series look alike.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
/** Tableau 10: distinct hues, readable on white. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

export interface Series {
  name: string;
  points: { n: number; y: number }[];
  /** Group shown in the legend (the variant's family). */
  group?: string;
  /** Which style (colour, dash, marker) it wears; its position by default. Lets one legend serve several charts. */
  style?: number;
}

export interface SeriesStyle {
  color: string;
  dash: string;
  marker: (typeof MARKERS)[number];
}

/** The style of the i-th series: 10 colours, then a new dash pattern and marker per ten. */
export function seriesStyle(i: number): SeriesStyle {
  const round = Math.floor(i / PALETTE.length);
  return { color: PALETTE[i % PALETTE.length]!, dash: DASHES[round % DASHES.length]!, marker: MARKERS[round % MARKERS.length]! };
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function marker(kind: SeriesStyle['marker'], x: number, y: number, color: string, r = 3.5): SVGElement {
  if (kind === 'circle') return el('circle', { cx: x, cy: y, r, fill: color });
  if (kind === 'square') return el('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: color });
  const pts = kind === 'triangle' ? [[x, y - r * 1.2], [x + r * 1.1, y + r * 0.9], [x - r * 1.1, y + r * 0.9]] : [[x, y - r * 1.3], [x + r * 1.1, y], [x, y + r * 1.3], [x - r * 1.1, y]];
  return el('polygon', { points: pts.map((p) => p.join(',')).join(' '), fill: color });
}

function fmt(v: number): string {
  if (v < 0) return `−${fmt(-v)}`;
  if (v >= 1e9) return `${+(v / 1e9).toPrecision(2)}G`;
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(2)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(2)}k`;
  return `${+v.toPrecision(2)}`;
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  /** Log axes (decade ticks) or linear ones (about five round ticks). */
  log: boolean;
  /** Linear y range to show at least (e.g. [0, 1] for an accuracy). */
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

/** About five round tick values covering [a, b]. */
function linearTicks(a: number, b: number): number[] {
  const step0 = (b - a) / 5 || 1;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** A line chart of `series` that scales to its container's width. */
export function lineChart(series: Series[], o: ChartOptions): SVGSVGElement {
  const width = o.width ?? 460;
  const height = o.height ?? 300;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${o.yLabel} against ${o.xLabel}${o.log ? ', log-log' : ''}` });
  const pad = { l: 56, r: 12, t: 12, b: 40 };
  const usable = (p: { n: number; y: number }) => Number.isFinite(p.y) && (!o.log || (p.n > 0 && p.y > 0));
  const pts = series.flatMap((s) => s.points).filter(usable);
  if (pts.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'axis' }, 'no data'));
    return svg;
  }
  const tx = o.log ? Math.log10 : (v: number) => v;
  const lx = pts.map((p) => tx(p.n));
  const ly = pts.map((p) => tx(p.y));
  let x0: number, x1: number, y0: number, y1: number, xTicks: number[], yTicks: number[];
  if (o.log) {
    x0 = Math.floor(Math.min(...lx) * 2) / 2;
    x1 = Math.max(Math.ceil(Math.max(...lx) * 2) / 2, x0 + 0.5);
    y0 = Math.floor(Math.min(...ly));
    y1 = Math.max(Math.ceil(Math.max(...ly)), y0 + 1);
    xTicks = [...new Set(pts.map((p) => p.n))].sort((a, b) => a - b);
    yTicks = Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i));
  } else {
    x0 = Math.min(...lx, 0);
    x1 = Math.max(...lx, x0 + 1);
    y0 = Math.min(...ly, o.yDomain?.[0] ?? Infinity);
    y1 = Math.max(...ly, o.yDomain?.[1] ?? -Infinity, y0 + 1e-6);
    xTicks = linearTicks(x0, x1);
    yTicks = linearTicks(y0, y1);
  }
  const sx = (v: number) => pad.l + ((tx(v) - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const sy = (v: number) => height - pad.b - ((tx(v) - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  svg.append(el('rect', { x: pad.l, y: pad.t, width: width - pad.l - pad.r, height: height - pad.t - pad.b, fill: '#fafbfc', stroke: '#ccd' }));
  for (const v of yTicks) {
    const y = sy(v);
    svg.append(el('line', { x1: pad.l, x2: width - pad.r, y1: y, y2: y, stroke: '#e3e6ea' }));
    svg.append(el('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, fmt(v)));
  }
  for (const v of xTicks) {
    const x = sx(v);
    svg.append(el('line', { x1: x, x2: x, y1: pad.t, y2: height - pad.b, stroke: '#e3e6ea' }));
    svg.append(el('text', { x, y: height - pad.b + 16, 'text-anchor': 'middle', class: 'axis' }, o.log ? String(v) : fmt(v)));
  }
  const logNote = o.log ? ' (log)' : '';
  svg.append(el('text', { x: (width + pad.l) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' }, `${o.xLabel}${logNote}`));
  svg.append(el('text', { x: 14, y: height / 2, transform: `rotate(-90 14 ${height / 2})`, 'text-anchor': 'middle', class: 'axis' }, `${o.yLabel}${logNote}`));
  series.forEach((s, i) => {
    const p = s.points.filter(usable).sort((a, b) => a.n - b.n);
    const st = seriesStyle(s.style ?? i);
    const g = el('g', { 'data-series': s.name });
    if (p.length > 1) g.append(el('polyline', { points: p.map((q) => `${sx(q.n)},${sy(q.y)}`).join(' '), fill: 'none', stroke: st.color, 'stroke-width': 2, 'stroke-dasharray': st.dash }));
    // Markers only where they can be told apart (a training curve has hundreds of points).
    if (p.length <= 40) for (const q of p) g.append(marker(st.marker, sx(q.n), sy(q.y), st.color));
    g.append(el('title', {}, s.name));
    svg.append(g);
  });
  return svg;
}

/** Log-log chart against the number of tokens N. */
export function logLogChart(series: Series[], yLabel: string): SVGSVGElement {
  return lineChart(series, { xLabel: 'tokens N', yLabel, log: true });
}

/** The legend of `series` outside the plot, grouped (e.g. by family), each with its line and marker. */
export function chartLegend(series: Series[]): HTMLElement {
  const groups = new Map<string, { s: Series; i: number }[]>();
  series.forEach((s, i) => groups.set(s.group ?? '', [...(groups.get(s.group ?? '') ?? []), { s, i }]));
  const list = h('div', { class: 'legend', 'data-testid': 'chart-legend' });
  for (const [group, items] of groups) {
    const row = h('div', { class: 'legend-group' }, group ? h('span', { class: 'legend-title' }, group) : null);
    for (const { s, i } of items) {
      const st = seriesStyle(s.style ?? i);
      const key = el('svg', { width: 26, height: 10, viewBox: '0 0 26 10' });
      key.append(el('line', { x1: 1, x2: 25, y1: 5, y2: 5, stroke: st.color, 'stroke-width': 2, 'stroke-dasharray': st.dash }), marker(st.marker, 13, 5, st.color, 3));
      row.append(h('span', { class: 'legend-item' }, key, s.name));
    }
    list.append(row);
  }
  return list;
}
