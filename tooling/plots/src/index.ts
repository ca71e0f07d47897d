export { lineChartSpec, lineChartSvg, MAX_MARKERS } from './line-chart.js';
export type { Axis, LegendPlace, LineChart, Series } from './line-chart.js';
export { fitSpan, growthChartSpec, growthChartSvg, growthLabel } from './growth-chart.js';
export type { Fit, GrowthChart, GrowthSeries } from './growth-chart.js';
export { specToSvg } from './render.js';
export { PALETTE, seriesStyle } from './style.js';
export type { SeriesStyle } from './style.js';
export type { TopLevelSpec } from 'vega-lite';
