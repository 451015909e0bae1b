/** The streams the market engine counts separately on the monitor screen. */
export type FeedStream = 'book' | 'trades' | 'candles' | 'tickers';

/**
 * Where the market engine reports what it receives, for the monitor. Calls are counter increments on
 * the hot path: an implementation must do no more than that. The default does nothing, so the engine
 * never checks whether anyone is counting.
 */
export interface MarketProbe {
  /** `count` messages arrived on one stream (a depth diff, a trades batch, a ticker, a klines reply). */
  message(exchange: string, stream: FeedStream, count?: number): void;
  /** The order book's update ids jumped (or the book crossed): it must be reloaded. */
  gap(exchange: string): void;
  /** A fresh book snapshot replaced the local book after a gap or a reconnect. */
  resync(exchange: string): void;
  /** A stream failed and its loop is about to connect again. */
  reconnect(exchange: string, stream: FeedStream): void;
}

export const noMarketProbe: MarketProbe = {
  message: () => undefined,
  gap: () => undefined,
  resync: () => undefined,
  reconnect: () => undefined,
};
