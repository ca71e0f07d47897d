/**
 * Growth against N, log-log (the bench's time and memory plots, the demo's complexity lab),
 * with each series' growth exponent drawn as its fitted segment over the sizes it was fitted
 * on, and that range shaded and labelled: a slope fitted where fixed costs dominate (small N)
 * says little, so the chart shows which sizes the number comes from.
 */
import type { TopLevelSpec } from 'vega-lite';
import { axisField, hasData, seriesLayers, styleChannels, type LegendPlace } from './line-chart.js';
import { noDataSpec, specToSvg } from './render.js';

export interface Fit {
  /** Least-squares slope of log y on log N over `range`. */
  exponent: number;
  /** `[smallest, largest]` N the fit used. */
  range: readonly [number, number];
}

export interface GrowthSeries {
  name: string;
  /** `[N, y]` pairs. */
  points: readonly (readonly [number, number])[];
  /** The series' fitted exponent; null or absent when it could not be fitted. */
  fit?: Fit | null;
  style?: number;
}

export interface GrowthChart {
  title: string;
  /** The quantity (`median ms`, `peak tensor bytes`). */
  y: string;
  /** Default `tokens N`. */
  x?: string;
  series: readonly GrowthSeries[];
  width?: number;
  height?: number;
  /** Legend beside (default), under, or none; with a legend, each name carries its exponent. */
  legend?: LegendPlace;
}

/** The legend's text for a series: its name and, where fitted, its exponent. */
export const growthLabel = (s: GrowthSeries): string => (s.fit ? `${s.name} · N^${s.fit.exponent.toFixed(2)}` : s.name);

/** The union of the series' fit ranges, or null when none was fitted. */
export function fitSpan(series: readonly GrowthSeries[]): [number, number] | null {
  const fits = series.flatMap((s) => (s.fit ? [s.fit.range] : []));
  return fits.length ? [Math.min(...fits.map((r) => r[0])), Math.max(...fits.map((r) => r[1]))] : null;
}

/** The fitted power law's two ends: slope `exponent`, intercept by least squares over the points in range. */
function fitSegment(s: GrowthSeries): { x: number; y: number; x2: number; y2: number } | null {
  if (!s.fit) return null;
  const [lo, hi] = s.fit.range;
  const used = s.points.filter(([n, y]) => n >= lo && n <= hi && n > 0 && y > 0 && Number.isFinite(y));
  if (used.length === 0 || !Number.isFinite(s.fit.exponent)) return null;
  const e = s.fit.exponent;
  const b = used.reduce((a, [n, y]) => a + Math.log(y) - e * Math.log(n), 0) / used.length;
  return { x: lo, y: Math.exp(b) * lo ** e, x2: hi, y2: Math.exp(b) * hi ** e };
}

/** The Vega-Lite spec: log-log lines per series, the fit range shaded, each fitted segment drawn wide and faint under its line. */
export function growthChartSpec(c: GrowthChart): TopLevelSpec {
  const legend = c.legend ?? 'right';
  const keyed = c.series.map((s, i) => ({ key: legend === 'none' ? s.name : growthLabel(s), style: s.style ?? i, points: s.points, s }));
  const xAxis = { title: c.x ?? 'tokens N', scale: 'log' as const };
  const yAxis = { title: c.y, scale: 'log' as const };
  const span = fitSpan(c.series);
  const segments = keyed.flatMap((k) => {
    const seg = fitSegment(k.s);
    return seg ? [{ series: k.key, ...seg }] : [];
  });
  const ch = styleChannels(keyed, legend);
  const layers: unknown[] = [];
  if (span) {
    const band = { values: [{ x: span[0], x2: span[1], label: `fitted over N ${span[0].toLocaleString('en-US')}–${span[1].toLocaleString('en-US')}` }] };
    layers.push(
      { data: band, mark: { type: 'rect', color: '#eef2f8' }, encoding: { x: axisField('x', xAxis), x2: { field: 'x2' } } },
      { data: band, mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, fontSize: 11, color: '#56627a' }, encoding: { x: axisField('x', xAxis), y: { value: 0 }, text: { field: 'label' } } },
    );
  }
  if (segments.length) {
    layers.push({
      data: { values: segments },
      mark: { type: 'rule', strokeWidth: 7, opacity: 0.25, strokeCap: 'round' },
      encoding: { x: axisField('x', xAxis), y: axisField('y', yAxis), x2: { field: 'x2' }, y2: { field: 'y2' }, color: ch.color },
    });
  }
  layers.push(...seriesLayers(keyed, xAxis, yAxis, legend));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: c.title,
      subtitle: span ? 'exponent = slope of the faint fit, over the shaded N' : 'no exponent: too few sizes in the fit range',
    },
    width: c.width ?? 480,
    height: c.height ?? 300,
    background: 'white',
    autosize: { type: 'pad' },
    layer: layers,
  } as TopLevelSpec;
}

/** The chart as a standalone SVG document; a chart with no drawable point says so. */
export function growthChartSvg(c: GrowthChart): Promise<string> {
  const x = { title: '', scale: 'log' as const };
  return specToSvg(hasData(c.series, x, x) ? growthChartSpec(c) : noDataSpec(c.title));
}
