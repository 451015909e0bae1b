import type { MarketEvent } from '../market/events.js';
import type { AlertEvaluator } from './evaluator.js';
import type { Liveness } from './liveness.js';
import type { AlertFiring } from './types.js';

/**
 * Feeds the market engine's events to the evaluator: prices from tickers and trades, the exchange
 * feed's health for feed-stale alerts, and the connection for telling live data from late data.
 * Candles are not taken from here: the market engine streams only the focused chart's timeframe, so
 * indicator alerts fetch the closed candles they need (see AlertPolling).
 */
export class MarketObserver {
  /** Last price seen per symbol, for "use current price". */
  readonly prices = new Map<string, { price: number; time: number }>();
  private feedStale: boolean | null = null;

  constructor(
    private readonly liveness: Liveness,
    private readonly now: () => number,
  ) {}

  observe(evaluator: AlertEvaluator, events: readonly MarketEvent[]): AlertFiring[] {
    const out: AlertFiring[] = [];
    const now = this.now();
    for (const e of events) {
      switch (e.type) {
        case 'status':
          out.push(...this.status(evaluator, e.status, now));
          break;
        case 'ticker':
          out.push(...this.price(evaluator, e.ticker.symbol, e.ticker.time, e.ticker.last, now));
          break;
        case 'tickers':
          for (const t of e.tickers) out.push(...this.price(evaluator, t.symbol, t.time, t.last, now));
          break;
        case 'trades': {
          const trades = [...e.trades].sort((a, b) => a.time - b.time);
          for (const t of trades) out.push(...this.price(evaluator, e.symbol, t.time, t.price, now));
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  /** A price from anywhere (the stream, a poll); returns the firings. */
  price(evaluator: AlertEvaluator, symbol: string, time: number, price: number, now: number): AlertFiring[] {
    if (!Number.isFinite(price) || !(price > 0) || !Number.isFinite(time)) return [];
    const known = this.prices.get(symbol);
    if (!known || time >= known.time) this.prices.set(symbol, { price, time });
    return evaluator.price(symbol, time, price, this.liveness.options(time, now));
  }

  private status(
    evaluator: AlertEvaluator,
    status: Extract<MarketEvent, { type: 'status' }>['status'],
    now: number,
  ): AlertFiring[] {
    const c = status.connection;
    if (c === 'offline' || c === 'reconnecting') this.liveness.setDown();
    else if (c === 'live') this.liveness.setUp(now);
    // 'connecting' says nothing yet: a feed that has not started is not a stale one.
    if (c === 'connecting') return [];
    const stale = c !== 'live';
    if (stale === this.feedStale) return [];
    this.feedStale = stale;
    const ageMs = status.lastMessageAt === null ? null : Math.max(0, now - status.lastMessageAt);
    return evaluator.risk(
      { kind: 'feed-stale', time: now, exchange: status.exchange, symbol: null, stale, ageMs },
      { live: true, now },
    );
  }
}
