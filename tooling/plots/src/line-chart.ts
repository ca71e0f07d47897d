/**
 * Line charts: a Vega-Lite spec, rendered headless as SVG by Vega in Node (the trainer, the
 * bench) or live in the page by Vega's View (the demo). One builder per kind of chart, so the
 * same chart looks the same wherever it is drawn.
 */
import type { TopLevelSpec } from 'vega-lite';
import { noDataSpec, specToSvg } from './render.js';
import { seriesStyle } from './style.js';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Which style (colour, dash, shape) it wears; its position by default. Keeps a series' look when others come and go. */
  style?: number;
}

export interface Axis {
  title: string;
  /** `log` for quantities that grow over decades (tokens, milliseconds); default `linear`. */
  scale?: 'linear' | 'log';
  /** A fixed domain (e.g. accuracy 0..100); default: the data's, rounded outward. */
  domain?: readonly [number, number];
  /** Linear axes: include 0 (a cache that grows from nothing); default false. */
  zero?: boolean;
}

/**
 * Where the legend goes: beside the plot (default), under it, or nowhere — for a page that
 * draws one legend of its own for several charts (`seriesStyle` gives the same look).
 */
export type LegendPlace = 'right' | 'bottom' | 'none';

export interface LineChart {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  width?: number;
  height?: number;
  legend?: LegendPlace;
}

/**
 * Tick labels: grouped thousands and no exponent (`1,000`, `65,536`, `0.25`), where
 * a hand-rolled `toExponential` gave `1.0e+3`.
 */
const TICK_FORMAT = ',~r';
/** Past this many points a series is drawn without markers (a training curve has hundreds). */
export const MAX_MARKERS = 40;

const finite = ([x, y]: readonly [number, number], log: { x: boolean; y: boolean }) =>
  Number.isFinite(x) && Number.isFinite(y) && (!log.x || x > 0) && (!log.y || y > 0);

/** The encoding of one axis. */
export function axisField(key: string, a: Axis) {
  return {
    field: key,
    type: 'quantitative' as const,
    title: a.title,
    scale: {
      type: a.scale ?? 'linear',
      // Log axes: a few pixels of room, so the end points do not sit on the frame.
      ...(a.scale === 'log' ? { padding: 8 } : { zero: a.zero ?? false }),
      // Log axes keep the data's span: rounding out to whole decades left most of the plot empty.
      nice: a.scale !== 'log',
      ...(a.domain ? { domain: [...a.domain] } : {}),
    },
    axis: { format: TICK_FORMAT, tickCount: 6, labelFlush: false, gridColor: '#e8ebf0' },
  };
}

/** Colour, dash and shape channels of the series field, each with its explicit per-series range. */
export function styleChannels(series: readonly { key: string; style: number }[], legend: LegendPlace) {
  const domain = series.map((s) => s.key);
  const styles = series.map((s) => seriesStyle(s.style));
  // One legend: the three channels share field and title, so Vega-Lite merges them.
  const lg = legend === 'none' ? null : { title: null, labelLimit: 0, orient: legend, ...(legend === 'bottom' ? { columns: 2 } : {}) };
  return {
    color: { field: 'series', type: 'nominal' as const, scale: { domain, range: styles.map((s) => s.color) }, legend: lg },
    strokeDash: { field: 'series', type: 'nominal' as const, scale: { domain, range: styles.map((s) => [...s.dash]) }, legend: lg },
    shape: { field: 'series', type: 'nominal' as const, scale: { domain, range: styles.map((s) => s.shape) }, legend: lg },
  };
}

/** The line and point layers of `series` (keyed by `key`), points only where there are few. */
export function seriesLayers(series: readonly { key: string; style: number; points: readonly (readonly [number, number])[] }[], x: Axis, y: Axis, legend: LegendPlace) {
  const log = { x: x.scale === 'log', y: y.scale === 'log' };
  const values = series.flatMap((s) => {
    const pts = s.points.filter((p) => finite(p, log));
    return pts.map(([px, py]) => ({ series: s.key, x: px, y: py, marker: pts.length <= MAX_MARKERS }));
  });
  const ch = styleChannels(series, legend);
  const enc = { x: axisField('x', x), y: axisField('y', y), color: ch.color };
  return [
    { data: { values }, mark: { type: 'line' as const, strokeWidth: 1.8 }, encoding: { ...enc, strokeDash: ch.strokeDash } },
    // Points as well as lines, so a series of one point (one validation) still shows.
    { data: { values }, transform: [{ filter: 'datum.marker' }], mark: { type: 'point' as const, filled: true, size: 36 }, encoding: { ...enc, shape: ch.shape } },
  ];
}

/** Whether any series has a point a chart on these axes can draw. */
export function hasData(series: readonly Series[], x: Axis, y: Axis): boolean {
  const log = { x: x.scale === 'log', y: y.scale === 'log' };
  return series.some((s) => s.points.some((p) => finite(p, log)));
}

/** The Vega-Lite spec of a chart: one line (with point markers) per series, the legend outside the plot. */
export function lineChartSpec(c: LineChart): TopLevelSpec {
  const keyed = c.series.map((s, i) => ({ key: s.name, style: s.style ?? i, points: s.points }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: c.width ?? 480,
    height: c.height ?? 300,
    background: 'white',
    autosize: { type: 'pad' }, // the legend and labels add to the size: nothing is clipped
    layer: seriesLayers(keyed, c.x, c.y, c.legend ?? 'right'),
  } as TopLevelSpec;
}

/** The chart as a standalone SVG document; a chart with no finite point says so. */
export function lineChartSvg(c: LineChart): Promise<string> {
  return specToSvg(hasData(c.series, c.x, c.y) ? lineChartSpec(c) : noDataSpec(c.title));
}
