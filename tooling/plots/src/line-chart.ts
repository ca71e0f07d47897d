/**
 * Line charts as SVG: a Vega-Lite spec compiled to Vega and rendered headless by
 * Vega's own SVG renderer (no canvas, no browser). The trainer and the bench draw
 * every plot through here; the same spec would render live with vega-embed.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface Axis {
  title: string;
  /** `log` for quantities that grow over decades (tokens, milliseconds); default `linear`. */
  scale?: 'linear' | 'log';
  /** A fixed domain (e.g. accuracy 0..100); default: the data's, rounded outward. */
  domain?: readonly [number, number];
}

export interface LineChart {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  width?: number;
  height?: number;
}

/**
 * Tick labels: grouped thousands and no exponent (`1,000`, `65,536`, `0.25`), where
 * a hand-rolled `toExponential` gave `1.0e+3`.
 */
const TICK_FORMAT = ',~r';

/** The Vega-Lite spec of a chart: one line with point markers per series, a legend beside it. */
export function lineChartSpec(c: LineChart): TopLevelSpec {
  const values = c.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => ({ series: s.name, x, y })));
  const field = (key: 'x' | 'y', a: Axis) => ({
    field: key,
    type: 'quantitative' as const,
    title: a.title,
    scale: { type: a.scale ?? 'linear', ...(a.scale === 'log' ? {} : { zero: false }), nice: true, ...(a.domain ? { domain: [...a.domain] } : {}) },
    axis: { format: TICK_FORMAT, tickCount: 6, labelFlush: false },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: c.width ?? 480,
    height: c.height ?? 300,
    background: 'white',
    autosize: { type: 'pad' }, // the legend and labels add to the size: nothing is clipped
    data: { values },
    // Points as well as lines, so a series of one point (one validation) still shows.
    mark: { type: 'line', point: true, strokeWidth: 1.8 },
    encoding: {
      x: field('x', c.x),
      y: field('y', c.y),
      color: { field: 'series', type: 'nominal', title: null, sort: c.series.map((s) => s.name), legend: { labelLimit: 0 } },
    },
  };
}

/** The chart as a standalone SVG document; a chart with no finite point says so. */
export async function lineChartSvg(c: LineChart): Promise<string> {
  const spec = c.series.some((s) => s.points.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y)))
    ? lineChartSpec(c)
    : ({ title: `${c.title}: no data`, width: 300, height: 20, background: 'white', mark: 'text', data: { values: [] } } as TopLevelSpec);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
