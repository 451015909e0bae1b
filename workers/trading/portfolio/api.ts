/**
 * The portfolio domain of the engine API: holdings across every account, performance, risk, rebalancing
 * and the executive KPIs. Everything is computed in the worker from IndexedDB, so it all works offline.
 * Values that are estimates (marks, statistics) are numbers; money that is owned or sent is decimal text.
 */
import type { OrderPreview, OrderRequest } from '../api.js';

/**
 * Where a price came from: the market feed streaming now, the last price this session knows while the feed
 * is down (or a stored tape replayed), the last stored ticker, or the last stored candle.
 */
export type MarkSource = 'live' | 'last-known' | 'ticker' | 'candle';

export interface Holding {
  accountId: string;
  accountLabel: string;
  venue: 'paper' | 'sandbox' | 'live';
  exchange: string;
  asset: string;
  /** Free plus reserved, decimal text. */
  amount: string;
  /** Price of one unit in the portfolio's quote currency; null when no mark is known (then excluded). */
  price: number | null;
  priceTime: number | null;
  priceSource: MarkSource | null;
  value: number | null;
  /** Share of the priced total, 0..1; null when unpriced. */
  weight: number | null;
}

/** A holding left out of totals because no price is known for it, said in words. */
export interface MissingPrice {
  accountId: string;
  asset: string;
  amount: string;
  note: string;
}

export interface Slice {
  key: string;
  label: string;
  value: number;
  weight: number;
}

export interface PositionPnl {
  accountId: string;
  accountLabel: string;
  symbol: string;
  amount: string;
  avgEntry: string;
  mark: number | null;
  realized: number;
  unrealized: number | null;
}

/** A deposit (amount > 0) or withdrawal (amount < 0), so money moved in or out is not counted as performance. */
export interface CashFlow {
  id: string;
  accountId: string;
  time: number;
  asset: string;
  /** Signed decimal text. */
  amount: string;
  /** Value in the valuation currency at the time it was recorded. */
  value: number;
  note: string;
  /** `auto` for flows Lyra recorded itself (a paper account's starting balances, a reset). */
  origin: 'user' | 'auto';
}

export type PerformancePeriod = '1D' | '1W' | '1M' | 'YTD' | '1Y' | 'All';

export interface PeriodPerformance {
  period: PerformancePeriod;
  from: number;
  to: number;
  /** Time-weighted return over the period (a fraction); null when the period has no history. */
  twr: number | null;
  /** Money-weighted return (IRR over the period, not annualised); null when it cannot be solved. */
  mwr: number | null;
  /** Change in equity less net flows, in the quote currency. */
  pnl: number | null;
  note: string | null;
}

export interface Series {
  /** Epoch ms. */
  times: Float64Array;
  values: Float64Array;
}

export interface PortfolioView {
  quote: string;
  computedAt: number;
  /** Oldest price time used in the totals; the screen says "prices as of". */
  pricesAsOf: number | null;
  holdings: Holding[];
  missing: MissingPrice[];
  total: number;
  byAsset: Slice[];
  byAccount: Slice[];
  positions: PositionPnl[];
  realizedPnl: number;
  unrealizedPnl: number;
  feesPaid: number;
  /** Recorded equity snapshots, all accounts summed, in the valuation currency. */
  equity: Series;
  performance: PeriodPerformance[];
  flows: CashFlow[];
  /** Accounts with no snapshot yet, etc.: said once on the screen. */
  notes: string[];
}

export type ReturnInterval = '1d' | '1h';

export interface RiskOptions {
  quote: string;
  interval: ReturnInterval;
  /** Number of returns used for VaR and correlations. */
  window: number;
  /** Periods per year used to annualise: 252 (default), 365 for crypto daily, 8760 for crypto hourly. */
  periodsPerYear: number;
  quantileType: 1 | 7;
  /** Annual risk-free rate as a fraction. */
  riskFree: number;
  ewmaLambda: number;
  /** A pair's EWMA correlation moving more than this from its long-run (Pearson) value is a shock. */
  shockThreshold: number;
  rules: ConcentrationLimits;
}

export interface ConcentrationLimits {
  /** Fractions, 0..1. */
  assetMax: number;
  exchangeMax: number;
  clusterMax: number;
  /** Assets whose correlation is at least this form a cluster. */
  clusterCorrelation: number;
}

/** A statistic that needs more history than there is says how much it needs. */
export interface Insufficient {
  insufficient: true;
  have: number;
  need: number;
  message: string;
}

export interface VarReport {
  var95: number;
  var99: number;
  cvar95: number;
  cvar99: number;
  param95: number;
  param99: number;
  /** In the quote currency, for the current portfolio value. */
  var95Value: number;
  var99Value: number;
  cvar95Value: number;
  cvar99Value: number;
  n: number;
}

export interface EquityStats {
  n: number;
  vol: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdown: number;
}

export interface CorrelationReport {
  assets: string[];
  /** Row-major n x n. */
  pearson: Float64Array;
  ewma: Float64Array;
  asOf: number;
}

export interface CorrelationShock {
  a: string;
  b: string;
  ewma: number;
  longRun: number;
  change: number;
}

export interface RuleResult {
  id: 'asset' | 'exchange' | 'cluster';
  label: string;
  /** `unknown`: the rule could not be checked (e.g. too little history for correlations); `detail` says why. */
  status: 'pass' | 'warn' | 'unknown';
  value: number;
  limit: number;
  detail: string;
}

export interface ExposureReport {
  gross: number;
  net: number;
  byAsset: Slice[];
  byAccount: Slice[];
}

export interface RiskView {
  options: RiskOptions;
  computedAt: number;
  /** What the screen states: quantile method, annualisation, risk-free rate, interval and window. */
  conventions: string[];
  exposure: ExposureReport;
  drawdown: { series: Series; current: number; max: number } | Insufficient;
  /** VaR of today's holdings from their assets' historical returns (weights at the current marks). */
  var: VarReport | Insufficient;
  equityStats: EquityStats | Insufficient;
  correlation: CorrelationReport | Insufficient;
  shocks: CorrelationShock[];
  rules: RuleResult[];
  missing: MissingPrice[];
  notes: string[];
}

export type SuggestMethod = 'equal' | 'inverse-vol' | 'min-variance';

export interface TargetWeight {
  asset: string;
  /** Percent as text: "25" is 25 %. */
  weight: string;
}

export interface RebalanceInput {
  targets: TargetWeight[];
  /** Band around each target in percentage points: no trade while the drift stays inside it. */
  tolerance: string;
  quote: string;
}

export interface DriftRow {
  asset: string;
  currentWeight: number;
  targetWeight: number;
  drift: number;
  outside: boolean;
  value: number;
}

export interface RebalanceLeg {
  /** Stable id; the client order id of the leg when the batch is sent. */
  id: string;
  order: OrderRequest;
  notional: number;
  estFee: number;
  note: string | null;
}

export interface RebalancePlan {
  /** Ok false: `error` says why (weights not summing to 100 %, with the difference; no prices...). */
  ok: boolean;
  error: string | null;
  accountId: string;
  rows: DriftRow[];
  legs: RebalanceLeg[];
  /** Assets with drift that cannot be traded (below min notional or lot, no market), with the reason. */
  skipped: { asset: string; reason: string }[];
  previews: OrderPreview[];
  total: number;
}

export type BatchMode = 'all-or-nothing' | 'proceed';

export interface BatchLegResult {
  id: string;
  symbol: string;
  side: 'buy' | 'sell';
  amount: string;
  status: 'sent' | 'rejected' | 'not-sent';
  reason: string | null;
}

export interface BatchResult {
  mode: BatchMode;
  legs: BatchLegResult[];
}

export interface ExecutiveView {
  quote: string;
  computedAt: number;
  equity: number | null;
  todayPnl: number | null;
  monthPnl: number | null;
  /** Over closed trades, fractions; null with no closed trade yet. */
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  trades: number;
  maxDrawdown: number | null;
  grossExposure: number;
  netExposure: number;
  halted: boolean;
  haltReason: string | null;
  pricesAsOf: number | null;
  /** What the KPIs leave out (closed trades whose quote has no price), said once on the screen. */
  notes: string[];
}

export interface PortfolioApi {
  portfolio(options: { quote: string }): Promise<PortfolioView>;
  risk(options: Partial<RiskOptions>): Promise<RiskView>;
  executive(options: { quote: string }): Promise<ExecutiveView>;
  /** Validates and records a deposit or withdrawal; rejects with a field-level EngineError. */
  recordFlow(input: unknown): Promise<CashFlow>;
  removeFlow(id: string): Promise<void>;
  /** Suggested targets for the active account's assets (percent text that sums to 100). */
  suggestTargets(
    method: SuggestMethod,
    assets: string[],
    options: Partial<RiskOptions>,
  ): Promise<TargetWeight[]>;
  planRebalance(input: unknown): Promise<RebalancePlan>;
  /** Sends the plan's legs through the risk gate in one batch. */
  executeRebalance(plan: RebalancePlan, mode: BatchMode): Promise<BatchResult>;
  /** Quote currencies the valuation can use. */
  quotes(): Promise<string[]>;
}
