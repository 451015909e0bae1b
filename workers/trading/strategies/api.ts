import type { DatasetSummary, JobProgress } from '../../research/api.js';
import type { SimTrade, Signal } from '../../research/backtest/types.js';
import type { StrategySpec } from '../../research/strategies/spec.js';
import type { Timeframe } from '../../market/timeframes.js';

export interface StrategyRunRequest {
  strategy: StrategySpec;
  symbol: string;
  timeframe: Timeframe;
  /** Account the orders go to: `paper` or a vault account id; the active trading account when omitted. */
  accountId?: string | null;
}

export type StrategyRunStatus = 'warming-up' | 'running' | 'stopped' | 'failed';

/** A strategy running live in the trading worker, as stored (survives a reload) and shown. */
export interface StrategyRunView {
  id: string;
  request: StrategyRunRequest;
  status: StrategyRunStatus;
  /** Why it stopped or failed (a strategy that threw: its message and the bar). */
  reason: string | null;
  startedAt: number;
  /** Close time of the last bar the strategy saw, null before the first. */
  lastBar: number | null;
  barsSeen: number;
  signals: Signal[];
  /** Client order ids of the orders it sent, oldest first. */
  orderIds: string[];
  /** Position in base units the run believes it holds. */
  position: number;
  /** The account it trades on (`paper` or a vault account id), resolved when it started. */
  account?: { id: string; label: string };
  /** The market's quote currency: cash, equity and the comparison's capital are in it. */
  quote?: string;
  /** Free quote balance plus the run's position when it began trading: the comparison's capital. */
  startingEquity?: number | null;
  /** Open time of the first bar it could trade on; the bars before were warm-up history. */
  firstLiveBar?: number | null;
  /**
   * What happened that did not stop it, newest last (at most 50): an order the risk gate refused, one
   * too small for the market's lot, bars that closed while no tab was running it.
   */
  notes?: { time: number; message: string }[];
}

/** Live trades next to what the backtest engine says for the same bars. */
export interface StrategyComparison {
  runId: string;
  bars: number;
  live: { signals: Signal[]; trades: SimTrade[] };
  backtest: { signals: Signal[]; trades: SimTrade[] };
  /** Signals that differ (bar time, what live did, what the backtest did). */
  differences: { time: number; live: string; backtest: string }[];
}

export type StrategyRunEvent = { type: 'runs'; runs: StrategyRunView[] };
export type StrategyRunListener = (event: StrategyRunEvent) => void;

/** Live strategy runs and history downloads: the parts of research that need the exchange connection. */
export interface StrategyRunsApi {
  subscribe(listener: StrategyRunListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  start(request: StrategyRunRequest): Promise<{ id: string }>;
  stop(id: string): Promise<void>;
  runs(): Promise<StrategyRunView[]>;
  compare(id: string): Promise<StrategyComparison>;
  /**
   * Downloads candles of the connected exchange (sandbox, or a real one through the relay) into a
   * dataset, page by page with progress; `cancelDownload(jobId)` stops it and keeps nothing.
   */
  downloadHistory(
    request: { symbol: string; timeframe: Timeframe; since: number; until?: number | null; name?: string },
    jobId: string,
    onProgress?: (p: JobProgress) => void,
  ): Promise<DatasetSummary>;
  cancelDownload(jobId: string): Promise<void>;
}
