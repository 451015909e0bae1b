/**
 * The engine API: the only door between the UI and the workers. Each domain contributes its own API
 * type; the UI reaches each through `src/lib/engine/`, which is the only place that knows about comlink.
 */
import type { MarketApi } from './market/api.js';
import type { TradingApi } from './trading/api.js';
import type { BackupApi } from './sync/api.js';
import type { VaultApi } from './vault/api.js';
import type { PortfolioApi } from './trading/portfolio/api.js';
import type { ResearchApi } from './research/api.js';
import type { StrategyRunsApi } from './trading/strategies/api.js';
import type { AlertsApi } from './alerts/api.js';
import type { ReportsApi } from './reports/api.js';
import type { DataApi } from './data/api.js';
import type { AuditApi } from './audit/api.js';
import type { MonitorApi } from './monitor/api.js';

export type { MarketApi } from './market/api.js';
export type { Connection, FeedStatus, MarketEvent, MarketListener } from './market/events.js';
export type { ExchangeConfig, StartResult, StorageReport } from './market/market-service.js';
export type { BookView } from './market/order-book.js';
export type { CandleColumns, OhlcvRow } from './market/candle-series.js';
export type { Timeframe } from './market/timeframes.js';
export type { TapeTrade } from './market/trade-tape.js';
export type { MarketInfo, TickerInfo } from './market/types.js';
export type { EngineError } from './shared/errors.js';
export type * from './trading/api.js';
export type * from './trading/types.js';
export type { RiskCheck, RiskRule } from './trading/risk/risk-gate.js';
export type { BreakerState } from './trading/risk/breakers.js';
export type { RiskLimits } from './trading/risk/limits.js';
export type {
  AccountSummary,
  AddAccountInput,
  AddAccountResult,
  ConnectionTestResult,
  CredentialField,
  PasskeyUnlockInfo,
  UnlockSecret,
  VaultApi,
  VaultEvent,
  VaultListener,
  VaultStatus,
  Venue,
} from './vault/api.js';

export type * from './sync/api.js';
export type * from './trading/portfolio/api.js';
export type * from './research/api.js';
export type * from './research/backtest/types.js';
export type * from './research/strategies/spec.js';
export type * from './trading/strategies/api.js';
export type * from './alerts/api.js';
export type * from './reports/api.js';
export type * from './data/api.js';
export type * from './audit/api.js';
export type * from './monitor/api.js';

export interface EngineApi {
  market: MarketApi;
  trading: TradingApi;
  vault: VaultApi;
  backups: BackupApi;
  portfolio: PortfolioApi;
  /** Served by the engine worker: live strategy runs and history downloads. */
  strategies: StrategyRunsApi;
  /** Price, indicator, fill and risk alerts, evaluated on the market and trading events. */
  alerts: AlertsApi;
  /** Tax reports from every account's fills, and trades imported from other exchanges. */
  reports: ReportsApi;
  /** Exports (trades, orders, fills, equity, the whole database), database import, candle import. */
  data: DataApi;
  /** The audit log's hash chain: filters, export and the integrity check. */
  audit: AuditApi;
  /** Feed rates, gaps, latencies and queue depths for the Monitor screen. */
  monitor: MonitorApi;
}

/** Served by the research worker (`workers/research.worker.ts`), which the page starts on first use. */
export type ResearchWorkerApi = ResearchApi;
