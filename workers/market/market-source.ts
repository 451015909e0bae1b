import type { EngineError } from '../shared/errors.js';
import type { BookDiff, BookSnapshot } from './book-sync.js';
import type { CandleColumns } from './candle-series.js';
import type { Timeframe } from './timeframes.js';
import type { TapeTrade } from './trade-tape.js';
import type { MarketInfo, TickerInfo } from './types.js';

export interface DepthHandlers {
  onDiff(diff: BookDiff): void;
  /** A message that failed validation: reported, never applied. */
  onInvalid(error: EngineError): void;
}

/**
 * What the market engine needs from an exchange, in validated, plain types. The engine never sees ccxt;
 * an exchange is a MarketSource built from configuration (exchange id plus URL overrides).
 */
export interface MarketSource {
  readonly exchangeId: string;
  /** 'diffs': sequenced depth diffs plus REST snapshots (the engine keeps the book). 'snapshots': the
   *  exchange library keeps the book and hands over copies (any exchange ccxt can watch). */
  readonly bookMode: 'diffs' | 'snapshots';
  loadMarkets(): Promise<MarketInfo[]>;
  fetchBook(symbol: string, limit: number): Promise<BookSnapshot>;
  fetchCandles(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<CandleColumns>;
  fetchTrades(symbol: string, limit: number): Promise<TapeTrade[]>;
  fetchTickers(symbols: readonly string[]): Promise<TickerInfo[]>;
  /** Resolves with the trades that arrived since the previous call. */
  watchTrades(symbol: string): Promise<TapeTrade[]>;
  watchTicker(symbol: string): Promise<TickerInfo>;
  /** 'diffs' mode: subscribes and feeds `handlers` until the connection fails (then rejects) or unwatched. */
  watchBookDiffs(symbol: string, handlers: DepthHandlers): Promise<void>;
  /** 'snapshots' mode: resolves with the next full book. */
  watchBookSnapshot(symbol: string, depth: number): Promise<BookSnapshot>;
  unwatch(symbol: string): Promise<void>;
  close(): Promise<void>;
}
