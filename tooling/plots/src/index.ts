export { barChartSpec, barChartSvg } from './bar-chart.js';
export type { BarChart, BarGroup } from './bar-chart.js';
export { lineChartSpec, lineChartSvg } from './line-chart.js';
export type { Axis, LineChart, Series } from './line-chart.js';
