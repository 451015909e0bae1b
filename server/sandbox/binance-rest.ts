/**
 * Binance spot public REST endpoints (/api/v3/*) over the simulated markets.
 *
 * Handlers only read simulator state; the live loop is the only writer, so a depth snapshot is
 * always consistent with the diff stream's update ids.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import { BinanceError, errors } from './binance-errors.js';
import {
  RATE_LIMITS,
  aggTrade,
  bookTicker,
  depthSnapshot,
  exchangeSymbol,
  klineRow,
  miniTicker24h,
  rollingTicker,
  ticker24h,
  trade,
} from './binance-format.js';
import { Params } from './binance-params.js';
import { DAY, HOUR, MINUTE } from './intervals.js';
import type { MarketSimulator } from './market-simulator.js';
import { priceString } from './markets.js';
import type { SandboxMetrics } from './metrics.js';
import type { TradeTape } from './trade-tape.js';
import type { Venue } from './venue.js';

type Handler = (params: Params, c: Context) => unknown;

/** Binance windowSize: 1m..59m, 1h..23h, 1d..7d. */
function parseWindowSize(text: string): number {
  const m = /^([0-9]{1,2})([mhd])$/.exec(text);
  const n = Number(m?.[1]);
  const unit = m?.[2];
  if (unit === 'm' && n >= 1 && n <= 59) return n * MINUTE;
  if (unit === 'h' && n >= 1 && n <= 23) return n * HOUR;
  if (unit === 'd' && n >= 1 && n <= 7) return n * DAY;
  throw errors.invalidValue('windowSize', 'Expected 1m-59m, 1h-23h or 1d-7d.');
}

/** Ids to return from a tape for fromId / time-range / most-recent queries. */
function selectIds(
  tape: TradeTape,
  q: { fromId?: number; startTime?: number; endTime?: number; limit: number },
): number[] {
  const oldest = tape.oldestId;
  const end = tape.endId;
  let from: number;
  let to: number;
  if (q.fromId !== undefined) {
    from = Math.max(q.fromId, oldest);
    to = Math.min(end, from + q.limit);
  } else if (q.startTime !== undefined) {
    from = tape.firstIdAtOrAfter(q.startTime);
    const stop = q.endTime === undefined ? end : tape.firstIdAtOrAfter(q.endTime + 1);
    to = Math.min(stop, from + q.limit);
  } else {
    to = q.endTime === undefined ? end : tape.firstIdAtOrAfter(q.endTime + 1);
    from = Math.max(oldest, to - q.limit);
  }
  const ids: number[] = [];
  for (let id = from; id < to; id++) ids.push(id);
  return ids;
}

function forSelection<T>(venue: Venue, params: Params, one: (sim: MarketSimulator) => T): T | T[] {
  const selection = params.symbolSelection(venue);
  if (selection === undefined) return [...venue.byId.values()].map(one);
  if ('one' in selection) return one(selection.one);
  return selection.many.map(one);
}

/**
 * `extend` registers further routes (the private API) after the CORS middleware and before the
 * catch-all 404.
 */
export function createBinanceRest(
  venue: Venue,
  log: Logger,
  metrics: SandboxMetrics,
  extend?: (app: Hono) => void,
): Hono {
  const app = new Hono();
  app.use('/api/v3/*', cors({ origin: '*', allowHeaders: ['Content-Type', 'X-MBX-APIKEY'], maxAge: 600 }));
  extend?.(app);

  const route = (path: string, allowed: readonly string[], handler: Handler) => {
    app.get(`/api/v3/${path}`, (c) => {
      const started = performance.now();
      let status = 200;
      try {
        const params = new Params(new URL(c.req.url).searchParams, allowed);
        return c.json(handler(params, c) as object);
      } catch (e) {
        const err = e instanceof BinanceError ? e : errors.unknown();
        if (!(e instanceof BinanceError)) log.error({ err: e, path }, 'sandbox REST handler failed');
        status = err.status;
        return c.json(err.toJSON(), err.status);
      } finally {
        metrics.restRequests.inc({ endpoint: path, status: String(status) });
        metrics.restSeconds.observe({ endpoint: path }, (performance.now() - started) / 1000);
      }
    });
  };

  route('ping', [], () => ({}));

  route('time', [], () => ({ serverTime: venue.now() }));

  route('exchangeInfo', ['symbol', 'symbols', 'permissions', 'showPermissionSets', 'symbolStatus'], (p) => {
    const selection = p.symbolSelection(venue);
    const status = p.text('symbolStatus');
    if (status !== undefined && !['TRADING', 'HALT', 'BREAK'].includes(status)) {
      throw errors.invalidValue('symbolStatus', 'Expected TRADING, HALT or BREAK.');
    }
    let sims = [...venue.byId.values()];
    if (selection !== undefined) sims = 'one' in selection ? [selection.one] : selection.many;
    if (status !== undefined && status !== 'TRADING') sims = [];
    return {
      timezone: 'UTC',
      serverTime: venue.now(),
      rateLimits: RATE_LIMITS,
      exchangeFilters: [],
      symbols: sims.map((s) => exchangeSymbol(s.market)),
    };
  });

  route('depth', ['symbol', 'limit'], (p) => {
    const sim = p.symbol(venue);
    return depthSnapshot(sim, p.limit(100, 5000));
  });

  route('trades', ['symbol', 'limit'], (p) => {
    const sim = p.symbol(venue);
    const limit = p.limit(500, 1000);
    return selectIds(sim.trades, { limit }).map((id) => trade(sim.market, sim.trades, id));
  });

  route('historicalTrades', ['symbol', 'limit', 'fromId'], (p) => {
    const sim = p.symbol(venue);
    const limit = p.limit(500, 1000);
    const fromId = p.uint('fromId');
    return selectIds(sim.trades, { limit, fromId }).map((id) => trade(sim.market, sim.trades, id));
  });

  route('aggTrades', ['symbol', 'fromId', 'startTime', 'endTime', 'limit'], (p) => {
    const sim = p.symbol(venue);
    const limit = p.limit(500, 1000);
    const fromId = p.uint('fromId');
    const range = p.timeRange();
    if (fromId !== undefined && (range.startTime !== undefined || range.endTime !== undefined)) {
      throw errors.combination("'fromId' cannot be sent with 'startTime' or 'endTime'.");
    }
    if (
      range.startTime !== undefined &&
      range.endTime !== undefined &&
      range.endTime - range.startTime > HOUR
    ) {
      throw errors.lookupTooBig(1);
    }
    return selectIds(sim.aggTrades, { limit, fromId, ...range }).map((id) =>
      aggTrade(sim.market, sim.aggTrades, id),
    );
  });

  const klines: Handler = (p) => {
    const sim = p.symbol(venue);
    const interval = p.interval();
    const range = p.timeRange();
    const limit = p.limit(500, 1000);
    const timeZone = p.text('timeZone');
    if (timeZone !== undefined && !/^(?:[+-]?0{1,2}(?::00)?|UTC)$/.test(timeZone)) {
      throw errors.invalidValue('timeZone', 'The sandbox only serves UTC candles.');
    }
    return sim.klines.query(interval, { ...range, limit }).map((c) => klineRow(sim.market, c));
  };
  route('klines', ['symbol', 'interval', 'startTime', 'endTime', 'limit', 'timeZone'], klines);
  route('uiKlines', ['symbol', 'interval', 'startTime', 'endTime', 'limit', 'timeZone'], klines);

  route('ticker/24hr', ['symbol', 'symbols', 'type'], (p) => {
    const type = p.text('type') ?? 'FULL';
    if (type !== 'FULL' && type !== 'MINI') throw errors.invalidValue('type', 'Expected FULL or MINI.');
    const now = venue.now();
    return forSelection(venue, p, (sim) => {
      const stats = sim.ticker(now);
      return type === 'FULL' ? ticker24h(sim.market, stats) : miniTicker24h(sim.market, stats);
    });
  });

  route('ticker', ['symbol', 'symbols', 'windowSize', 'type'], (p) => {
    const type = p.text('type') ?? 'FULL';
    if (type !== 'FULL' && type !== 'MINI') throw errors.invalidValue('type', 'Expected FULL or MINI.');
    const windowMs = parseWindowSize(p.text('windowSize') ?? '1d');
    const selection = p.symbolSelection(venue);
    if (selection === undefined) throw errors.combination("One of 'symbol' or 'symbols' is required.");
    const now = venue.now();
    const one = (sim: MarketSimulator) =>
      rollingTicker(sim.market, sim.ticker(now, windowMs), type === 'FULL');
    return 'one' in selection ? one(selection.one) : selection.many.map(one);
  });

  route('ticker/bookTicker', ['symbol', 'symbols'], (p) => forSelection(venue, p, bookTicker));

  route('ticker/price', ['symbol', 'symbols'], (p) =>
    forSelection(venue, p, (sim) => ({
      symbol: sim.market.id,
      price: priceString(sim.market, sim.klines.lastPrice),
    })),
  );

  route('avgPrice', ['symbol'], (p) => {
    const sim = p.symbol(venue);
    const now = venue.now();
    const stats = sim.ticker(now, 5 * MINUTE);
    const m = sim.market;
    const price =
      stats.volume === 0
        ? priceString(m, stats.last)
        : (stats.quoteVolume / (stats.volume * m.step)).toFixed(8);
    return { mins: 5, price, closeTime: sim.lastTradeTime };
  });

  app.all('/api/v3/*', (c) => {
    metrics.restRequests.inc({ endpoint: 'unknown', status: '404' });
    const err = errors.notFound(c.req.method, new URL(c.req.url).pathname);
    return c.json(err.toJSON(), 404);
  });

  return app;
}
