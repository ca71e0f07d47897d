/**
 * Grouped bar charts as SVG, drawn like the line charts: a Vega-Lite spec compiled to
 * Vega and rendered headless. One group of bars per category (e.g. a task), one bar per
 * series in each group (e.g. an attention), a legend for the series.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Axis } from './line-chart.js';
import { noDataSpec, specToSvg } from './render.js';
import { PALETTE } from './style.js';

export interface BarGroup {
  /** The series (legend entry) of these bars. */
  name: string;
  /** Bar heights by category; a category missing (or non-finite) here draws no bar. */
  values: Readonly<Record<string, number>>;
}

export interface BarChart {
  title: string;
  /** Category axis title; the categories in drawing order. */
  x: { title: string; categories: readonly string[] };
  y: Axis;
  series: readonly BarGroup[];
  width?: number;
  height?: number;
}

/** The Vega-Lite spec of a grouped bar chart (bars offset within each category by series). */
export function barChartSpec(c: BarChart): TopLevelSpec {
  const values = c.series.flatMap((s) =>
    c.x.categories.filter((k) => Number.isFinite(s.values[k])).map((k) => ({ category: k, series: s.name, y: s.values[k]! })),
  );
  const sort = c.series.map((s) => s.name);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: c.width ?? 480,
    height: c.height ?? 300,
    background: 'white',
    autosize: { type: 'pad' },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'category', type: 'nominal', title: c.x.title, sort: [...c.x.categories], axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort },
      y: {
        field: 'y', type: 'quantitative', title: c.y.title,
        scale: { type: c.y.scale ?? 'linear', nice: true, ...(c.y.domain ? { domain: [...c.y.domain] } : {}) },
        axis: { format: ',~r', tickCount: 6 },
      },
      // The shared palette, so an attention has the colour here that it has in the other charts' order.
      color: { field: 'series', type: 'nominal', title: null, sort, scale: { range: [...PALETTE] }, legend: { labelLimit: 0 } },
    },
  };
}

/** The chart as a standalone SVG document; a chart with no bar says so. */
export async function barChartSvg(c: BarChart): Promise<string> {
  const any = c.series.some((s) => c.x.categories.some((k) => Number.isFinite(s.values[k])));
  return specToSvg(any ? barChartSpec(c) : noDataSpec(c.title));
}
