/**
 * Lyra's statistics engine: pure functions on float64 arrays, shared by the trading worker's Risk,
 * Portfolio and Rebalance screens and the `lyra risk` command line. Conventions follow the R reference
 * in test/fixtures/reference (simple returns, R quantile types 7 and 1, sample sd, 252 periods a year).
 */
export { simpleReturns, portfolioReturns } from './returns.js';
export { mean, sampleSd, downsideDeviation } from './moments.js';
export { quantile, quantileSorted, type QuantileType } from './quantile.js';
export { inverseNormalCdf } from './normal.js';
export {
  historicalVar,
  historicalCvar,
  historicalVarCvar,
  parametricVar,
  tailMean,
  tailProbability,
} from './value-at-risk.js';
export { drawdownSeries, maxDrawdown, type MaxDrawdown } from './drawdown.js';
export { riskMetrics, MIN_RETURNS, type RiskMetrics, type RiskMetricsOptions } from './risk-metrics.js';
export { covarianceMatrix, covarianceToCorrelation, pearsonMatrix } from './covariance.js';
export { EwmaCovariance, ewmaCorrelationMatrix, ewmaSeedPeriods } from './ewma.js';
export { correlationShocks, type CorrelationShockPair } from './correlation-shocks.js';
export { correlatedClusters } from './clusters.js';
export { minimumVarianceWeights } from './min-variance.js';
export { equalWeights, inverseVolatilityWeights } from './weights.js';
export { timeWeightedReturn, type CashFlowPoint, type ValuePoint } from './time-weighted-return.js';
export { moneyWeightedReturn, type MoneyWeightedReturn } from './money-weighted-return.js';
export { tradeStats, type TradeStats } from './trade-stats.js';
