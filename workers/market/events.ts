import type { EngineError } from '../shared/errors.js';
import type { CandleColumns, OhlcvRow } from './candle-series.js';
import type { BookView } from './order-book.js';
import type { Timeframe } from './timeframes.js';
import type { TapeTrade } from './trade-tape.js';
import type { MarketInfo, TickerInfo } from './types.js';

export type Connection = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'offline';

export interface FeedStatus {
  exchange: string;
  connection: Connection;
  /** When the connection entered this state. */
  since: number;
  /** Last message from the exchange, any stream. */
  lastMessageAt: number | null;
  /** When the next reconnect attempt is due, while reconnecting. */
  retryAt: number | null;
  /** Why the engine is not live, in words. */
  error: EngineError | null;
}

/** Everything the market engine tells the UI. Delivered in batches, at most one batch per flush. */
export type MarketEvent =
  | { type: 'status'; status: FeedStatus }
  | { type: 'markets'; exchange: string; markets: MarketInfo[] }
  | { type: 'focus'; symbol: string; timeframe: Timeframe }
  | { type: 'book'; book: BookView; source: 'live' | 'stored'; savedAt: number | null }
  | { type: 'trades'; symbol: string; trades: TapeTrade[]; reset: boolean }
  | {
      type: 'candles';
      symbol: string;
      timeframe: Timeframe;
      candles: CandleColumns;
      source: 'live' | 'stored';
    }
  | { type: 'candle'; symbol: string; timeframe: Timeframe; bar: OhlcvRow }
  | { type: 'candlesLoading'; symbol: string; timeframe: Timeframe; loading: boolean }
  | { type: 'ticker'; ticker: TickerInfo }
  | { type: 'tickers'; tickers: TickerInfo[] }
  /** A problem worth showing that does not stop the feed (a dropped bad message, a book reload). */
  | { type: 'notice'; error: EngineError; at: number };

export type MarketListener = (events: MarketEvent[]) => void;
