import type { MarketListener } from './events.js';
import type { ExchangeConfig, StartResult, StorageReport } from './market-service.js';
import type { Timeframe } from './timeframes.js';

/** What the UI may ask of the market worker. Failures reject with an EngineError object (data, not an Error). */
export interface MarketApi {
  /** Connects to an exchange; resolves at once with stored markets and the view to show (offline too). */
  start(exchange: ExchangeConfig): Promise<StartResult>;
  /** Streams another symbol and/or timeframe. */
  focus(symbol: string, timeframe: Timeframe): Promise<void>;
  /** The page reports the browser's connectivity (workers do not always see it). */
  setOnline(online: boolean): Promise<void>;
  /** Receives batches of events; the first batch is the whole current state. Returns an id for unsubscribe. */
  subscribe(listener: MarketListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  storage(): Promise<StorageReport>;
  clearCache(): Promise<void>;
}
