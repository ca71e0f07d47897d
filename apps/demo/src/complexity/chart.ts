// A log-log line chart in SVG: one series per variant.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2456a6', '#d1495b', '#2e933c', '#edae49', '#7b4fa0', '#00798c', '#8d6a3f', '#e377c2', '#555'];

export interface Series {
  name: string;
  points: { n: number; y: number }[];
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v: number): string {
  if (v >= 1e9) return `${+(v / 1e9).toPrecision(2)}G`;
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(2)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(2)}k`;
  return `${+v.toPrecision(2)}`;
}

/** Log-log chart of `series` with decade ticks; `yLabel` names the y axis. */
export function logLogChart(series: Series[], yLabel: string, width = 460, height = 300): SVGSVGElement {
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${yLabel} against N, log-log` });
  const pad = { l: 56, r: 12, t: 12, b: 40 };
  const pts = series.flatMap((s) => s.points).filter((p) => p.n > 0 && p.y > 0);
  if (pts.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'axis' }, 'no data'));
    return svg;
  }
  const lx = pts.map((p) => Math.log10(p.n));
  const ly = pts.map((p) => Math.log10(p.y));
  const x0 = Math.floor(Math.min(...lx) * 2) / 2;
  const x1 = Math.max(Math.ceil(Math.max(...lx) * 2) / 2, x0 + 0.5);
  const y0 = Math.floor(Math.min(...ly));
  const y1 = Math.max(Math.ceil(Math.max(...ly)), y0 + 1);
  const sx = (v: number) => pad.l + ((Math.log10(v) - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const sy = (v: number) => height - pad.b - ((Math.log10(v) - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  svg.append(el('rect', { x: pad.l, y: pad.t, width: width - pad.l - pad.r, height: height - pad.t - pad.b, fill: '#fafbfc', stroke: '#ccd' }));
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e);
    svg.append(el('line', { x1: pad.l, x2: width - pad.r, y1: y, y2: y, stroke: '#e3e6ea' }));
    svg.append(el('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, fmt(10 ** e)));
  }
  const ns = [...new Set(pts.map((p) => p.n))].sort((a, b) => a - b);
  for (const n of ns) {
    const x = sx(n);
    svg.append(el('line', { x1: x, x2: x, y1: pad.t, y2: height - pad.b, stroke: '#e3e6ea' }));
    svg.append(el('text', { x, y: height - pad.b + 16, 'text-anchor': 'middle', class: 'axis' }, String(n)));
  }
  svg.append(el('text', { x: (width + pad.l) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' }, 'tokens N (log)'));
  svg.append(el('text', { x: 14, y: height / 2, transform: `rotate(-90 14 ${height / 2})`, 'text-anchor': 'middle', class: 'axis' }, `${yLabel} (log)`));
  series.forEach((s, i) => {
    const p = s.points.filter((q) => q.n > 0 && q.y > 0).sort((a, b) => a.n - b.n);
    const color = COLORS[i % COLORS.length]!;
    if (p.length > 1) svg.append(el('polyline', { points: p.map((q) => `${sx(q.n)},${sy(q.y)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
    for (const q of p) svg.append(el('circle', { cx: sx(q.n), cy: sy(q.y), r: 3.5, fill: color }));
    svg.append(el('text', { x: pad.l + 8, y: pad.t + 16 + 15 * i, fill: color, class: 'legend' }, s.name));
  });
  return svg;
}
