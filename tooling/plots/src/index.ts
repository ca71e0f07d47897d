export { lineChartSpec, lineChartSvg } from './line-chart.js';
export type { Axis, LineChart, Series } from './line-chart.js';
