export { default as CandleChart } from './CandleChart.svelte';
export { default as DepthChart } from './DepthChart.svelte';
export {
  createCandleChart,
  type CandleChart as CandleChartApi,
  type CandleChartOptions,
} from './candle-chart';
export {
  createDepthChart,
  type DepthChart as DepthChartApi,
  type DepthChartOptions,
  type DepthHover,
} from './depth-chart';
export { computeDepth, depthAt, type Depth, type DepthHit } from './depth-data';
export { default as LineChart } from './LineChart.svelte';
export { createLineChart, type LineChart as LineChartApi, type LineChartOptions } from './line-chart';
