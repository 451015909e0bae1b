/**
 * What the Binance REST and stream layers read: the listed markets and their simulators, plus the
 * sandbox clock. Keeping this narrow lets the API modules be tested against any set of markets.
 */
import type { MarketSimulator } from './market-simulator.js';
import type { Market } from './markets.js';

export interface Venue {
  readonly markets: readonly Market[];
  /** By Binance id ("BTCUSDT"). */
  readonly byId: ReadonlyMap<string, MarketSimulator>;
  /** By lower-case stream id ("btcusdt"). */
  readonly byStreamId: ReadonlyMap<string, MarketSimulator>;
  now(): number;
}

export function createVenue(sims: readonly MarketSimulator[], now: () => number): Venue {
  return {
    markets: sims.map((s) => s.market),
    byId: new Map(sims.map((s) => [s.market.id, s])),
    byStreamId: new Map(sims.map((s) => [s.market.streamId, s])),
    now,
  };
}
