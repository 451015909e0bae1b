/**
 * Binance market stream names, e.g. "btcusdt@depth@100ms", "ethusdt@kline_1h", "!ticker@arr".
 * Symbols are lower case, as on Binance; anything else is not a stream.
 */
import { INTERVALS, type Interval } from './intervals.js';
import type { MarketSimulator } from './market-simulator.js';
import type { Venue } from './venue.js';

export type StreamSpec =
  | { kind: 'trade' | 'aggTrade' | 'ticker' | 'miniTicker' | 'bookTicker'; sim: MarketSimulator }
  | { kind: 'depth'; sim: MarketSimulator; fast: boolean }
  | { kind: 'partialDepth'; sim: MarketSimulator; fast: boolean; levels: number }
  | { kind: 'kline'; sim: MarketSimulator; interval: Interval }
  | { kind: 'allTickers' | 'allMiniTickers' };

const STREAM_RE = /^([a-z0-9]{2,20})@([A-Za-z]+)(\d*)(?:_([0-9]+[smhdwM]))?(?:@(100ms|1000ms))?$/;
const SIMPLE = new Set(['trade', 'aggTrade', 'ticker', 'miniTicker', 'bookTicker']);

/** Parses a stream name; returns an error message when it is not a valid stream. */
export function parseStream(name: string, venue: Venue): StreamSpec | string {
  if (name === '!ticker@arr') return { kind: 'allTickers' };
  if (name === '!miniTicker@arr') return { kind: 'allMiniTickers' };
  const m = STREAM_RE.exec(name);
  if (m === null) return `Invalid stream name '${name}'.`;
  const [, symbol = '', channel = '', digits = '', intervalName, speed] = m;
  const sim = venue.byStreamId.get(symbol);
  if (sim === undefined) return `Unknown symbol in stream '${name}'.`;
  if (SIMPLE.has(channel) && digits === '' && intervalName === undefined && speed === undefined) {
    return { kind: channel as 'trade', sim };
  }
  if (channel === 'depth' && intervalName === undefined) {
    const fast = speed === '100ms';
    if (digits === '') return { kind: 'depth', sim, fast };
    const levels = Number(digits);
    if (levels === 5 || levels === 10 || levels === 20) return { kind: 'partialDepth', sim, fast, levels };
    return `Invalid depth levels in stream '${name}' (5, 10 or 20).`;
  }
  if (channel === 'kline' && digits === '' && speed === undefined && intervalName !== undefined) {
    const interval = INTERVALS.get(intervalName);
    if (interval === undefined) return `Invalid kline interval in stream '${name}'.`;
    return { kind: 'kline', sim, interval };
  }
  return `Invalid stream name '${name}'.`;
}
