import type { PlaceRequest, TradingAccountChoice, TradingSnapshot } from '../api.js';
import type { OrderRecord } from '../types.js';

/** What a live run needs of the trading engine: its public calls, nothing of its inside. */
export interface RunTrading {
  readonly isLeader: boolean;
  place(request: PlaceRequest, clientOrderId?: string): Promise<{ id: string }>;
  tradingAccounts(): Promise<TradingAccountChoice[]>;
  snapshot(): TradingSnapshot;
}

/** The trading engine's stored orders, by client id (missing ones come back undefined). */
export type OrderLookup = (ids: readonly string[]) => Promise<Array<OrderRecord | undefined>>;

export interface RunTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: RunTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RunConfig {
  /** After a bar's close, wait this long before asking for it: exchanges publish a closed bar late. */
  pollDelayMs: number;
  /** A bar that should have closed but is not served yet is asked for again this soon... */
  retryMs: number;
  /** ...at most this many times before waiting for the next bar. */
  maxRetries: number;
  /** How often an order the run sent is checked until it has filled or ended. */
  settleMs: number;
  /** History fetched at start, at least: more than the strategy's warm-up steadies recursive indicators. */
  historyBars: number;
}

export const defaultRunConfig: RunConfig = {
  pollDelayMs: 3000,
  retryMs: 2000,
  maxRetries: 10,
  settleMs: 500,
  historyBars: 200,
};
