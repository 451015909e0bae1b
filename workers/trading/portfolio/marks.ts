import { Dexie } from 'dexie';
import { timeframeMs, timeframes, type Timeframe } from '../../market/timeframes.js';
import type { LyraDb } from '../../store/db.js';
import type { Mark } from '../market-link.js';
import { valuationAsset } from '../valuation.js';
import type { MarkSource } from './api.js';

/** A price with where and when it came from; the worst source and oldest time of a cross are kept. */
export interface PricePoint {
  price: number;
  time: number;
  source: MarkSource;
}

/** The latest known price of one market symbol ("BTC/USDT"), or null. */
export type SymbolPrices = (symbol: string) => PricePoint | null;

/**
 * Assets a price may be crossed through when no direct market exists. Short on purpose: each bridge adds
 * symbols to look up, and these are the quotes nearly every exchange lists.
 */
const bridges = [valuationAsset, 'BTC', 'USDC', 'ETH'];

const sourceRank: Record<MarkSource, number> = { live: 0, 'last-known': 1, ticker: 2, candle: 3 };

function worse(a: MarkSource, b: MarkSource): MarkSource {
  return sourceRank[a] >= sourceRank[b] ? a : b;
}

/** The symbols that may price `asset` in `quote`, directly, inverted or through a bridge. */
export function candidateSymbols(asset: string, quote: string): string[] {
  const out = new Set<string>();
  const pair = (a: string, b: string) => {
    if (a === b) return;
    out.add(`${a}/${b}`);
    out.add(`${b}/${a}`);
  };
  pair(asset, quote);
  for (const b of bridges) {
    pair(asset, b);
    pair(b, quote);
  }
  return [...out];
}

function direct(a: string, b: string, prices: SymbolPrices): PricePoint | null {
  if (a === b) return { price: 1, time: Number.POSITIVE_INFINITY, source: 'live' };
  const p = prices(`${a}/${b}`);
  if (p && p.price > 0) return p;
  const inv = prices(`${b}/${a}`);
  if (inv && inv.price > 0) return { price: 1 / inv.price, time: inv.time, source: inv.source };
  return null;
}

/**
 * The price of one unit of `asset` in `quote`: a direct market (either way round), else a cross through
 * one bridge asset. Null when nothing is known: the caller lists the holding as missing, never as zero.
 */
export function priceIn(asset: string, quote: string, prices: SymbolPrices): PricePoint | null {
  if (asset === quote) return { price: 1, time: Number.POSITIVE_INFINITY, source: 'live' };
  const d = direct(asset, quote, prices);
  if (d) return d;
  for (const bridge of bridges) {
    if (bridge === asset || bridge === quote) continue;
    const first = direct(asset, bridge, prices);
    if (!first) continue;
    const second = direct(bridge, quote, prices);
    if (!second) continue;
    return {
      price: first.price * second.price,
      time: Math.min(first.time, second.time),
      source: worse(first.source, second.source),
    };
  }
  return null;
}

/** A price's time as data: identity prices (an asset in itself) have none. */
export function priceTime(p: PricePoint): number | null {
  return Number.isFinite(p.time) ? p.time : null;
}

export interface StoredPrice {
  price: number;
  time: number;
  source: 'ticker' | 'candle';
}

/** The last stored ticker of each symbol on one of `exchanges`; only the symbols asked for are read. */
async function storedTickers(
  db: LyraDb,
  exchanges: readonly string[],
  symbols: readonly string[],
  out: Map<string, StoredPrice>,
): Promise<void> {
  const keys: [string, string][] = [];
  for (const e of exchanges) for (const s of symbols) keys.push([e, s]);
  const tickers = await db.tickers.bulkGet(keys);
  for (const t of tickers) {
    if (!t || !(t.last > 0)) continue;
    const had = out.get(t.symbol);
    if (!had || t.time > had.time) out.set(t.symbol, { price: t.last, time: t.time, source: 'ticker' });
  }
}

/** The close of the newest stored candle, any timeframe, of each symbol that has no price yet. */
async function storedCloses(
  db: LyraDb,
  exchanges: readonly string[],
  symbols: readonly string[],
  out: Map<string, StoredPrice>,
): Promise<void> {
  const wanted = symbols.filter((s) => !out.has(s));
  if (wanted.length === 0) return;
  await db.transaction('r', db.candleBlocks, async () => {
    const lookups: Promise<void>[] = [];
    for (const e of exchanges)
      for (const s of wanted) for (const tf of timeframes) lookups.push(lastCandle(db, e, s, tf, out));
    await Promise.all(lookups);
  });
}

/**
 * Prices for `assets` in each of `quotes`: this session's live marks, else the last stored ticker, else the
 * close of the newest stored candle. Only the symbols that could price them are read (tickers by key;
 * candles only for assets still unpriced), so opening a screen stays a handful of lookups whatever the size
 * of the market cache.
 */
export async function loadPrices(
  db: LyraDb,
  live: ((symbol: string) => Mark | null) | null,
  exchanges: readonly string[],
  assets: readonly string[],
  quotes: readonly string[],
  now: number,
): Promise<SymbolPrices> {
  const stored = new Map<string, StoredPrice>();
  const prices = layeredPrices(live, stored, now);
  const unpriced = (list: readonly string[]) =>
    list.flatMap((a) => quotes.filter((q) => priceIn(a, q, prices) === null).map((q) => [a, q] as const));
  const symbolsOf = (pairs: ReadonlyArray<readonly [string, string]>) => [
    ...new Set(pairs.flatMap(([a, q]) => candidateSymbols(a, q))),
  ];
  if (exchanges.length === 0) return prices;
  const first = unpriced(assets);
  if (first.length === 0) return prices;
  await storedTickers(db, exchanges, symbolsOf(first), stored);
  const second = unpriced(assets);
  if (second.length) await storedCloses(db, exchanges, symbolsOf(second), stored);
  return prices;
}

async function lastCandle(
  db: LyraDb,
  exchange: string,
  symbol: string,
  tf: Timeframe,
  out: Map<string, StoredPrice>,
): Promise<void> {
  const block = await db.candleBlocks
    .where('[exchange+symbol+timeframe+start]')
    .between([exchange, symbol, tf, Dexie.minKey], [exchange, symbol, tf, Dexie.maxKey])
    .last();
  const n = block?.time.length ?? 0;
  if (!block || n === 0) return;
  const close = block.close[n - 1] as number;
  // A candle's close is the price at its end, not at its open time.
  const time = (block.time[n - 1] as number) + timeframeMs[tf];
  const had = out.get(symbol);
  if (close > 0 && (!had || (had.source === 'candle' && time > had.time)))
    out.set(symbol, { price: close, time, source: 'candle' });
}

/**
 * Prices as the portfolio uses them: this session's live marks first, then what is stored. Stored
 * prices come from `loadStoredPrices` for the symbols the holdings need.
 */
export function layeredPrices(
  live: ((symbol: string) => Mark | null) | null,
  stored: ReadonlyMap<string, StoredPrice>,
  now: number,
): SymbolPrices {
  return (symbol) => {
    const m = live?.(symbol);
    const s = stored.get(symbol);
    if (m && m.price > 0 && !m.replayed)
      return { price: m.price, time: Math.min(m.time, now), source: 'live' };
    // A price that is not live news competes with what is stored: the newer one wins.
    if (m && m.price > 0 && (!s || m.time >= s.time))
      return { price: m.price, time: Math.min(m.time, now), source: 'last-known' };
    return s ? { price: s.price, time: Math.min(s.time, now), source: s.source } : null;
  };
}

/** A candle close further than this before a flow's time does not price it: the market may have moved far. */
export const historicalPriceMaxAgeMs = 2 * 86_400_000;

/**
 * The price of `asset` in `quote` at a past `time`: the close of the stored candle that closed last at or
 * before it, the finest timeframe first, from a direct market either way round. Null when no candle of
 * the last two days before `time` is stored. Every timeframe is looked at: the finest one stored may
 * have stopped earlier than a coarser one.
 */
export async function priceAt(
  db: LyraDb,
  exchanges: readonly string[],
  asset: string,
  quote: string,
  time: number,
): Promise<PricePoint | null> {
  if (asset === quote) return { price: 1, time, source: 'candle' };
  let best: PricePoint | null = null;
  for (const tf of timeframes) {
    const span = timeframeMs[tf];
    for (const exchange of exchanges)
      for (const [symbol, inverted] of [
        [`${asset}/${quote}`, false],
        [`${quote}/${asset}`, true],
      ] as const) {
        // The block holding the candle that closed at `time` starts at or before its open time; one
        // block back covers a candle at the very end of the previous block.
        const blocks = await db.candleBlocks
          .where('[exchange+symbol+timeframe+start]')
          .between([exchange, symbol, tf, Dexie.minKey], [exchange, symbol, tf, time - span], true, true)
          .reverse()
          .limit(2)
          .toArray();
        for (const b of blocks) {
          let found = -1;
          for (let i = 0; i < b.time.length; i++) if ((b.time[i] as number) + span <= time) found = i;
          if (found < 0) continue;
          const closedAt = (b.time[found] as number) + span;
          const close = b.close[found] as number;
          if (!(close > 0) || time - closedAt > historicalPriceMaxAgeMs) break;
          if (!best || closedAt > best.time)
            best = { price: inverted ? 1 / close : close, time: closedAt, source: 'candle' };
          break;
        }
      }
  }
  return best;
}
