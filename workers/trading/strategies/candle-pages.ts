import { emptyColumns, type CandleColumns } from '../../market/candle-series.js';
import { timeframeMs, type Timeframe } from '../../market/timeframes.js';
import type { MarketAccess } from '../market-link.js';

/** Most exchanges answer at most 1,000 candles per request; asking for more only gets the default. */
export const candlePageLimit = 1000;

export interface CandlePagesOptions {
  /** Open time of the first candle wanted (inclusive). */
  since: number;
  /** Only candles that have closed by this time are kept (a forming candle would change later). */
  closedBy: number;
  pageLimit?: number;
  /** After each page: candles kept so far and how many the range holds at most. */
  onPage?(done: number, total: number): void | Promise<void>;
  /** Checked before each request; true stops paging with what was collected. */
  shouldStop?(): boolean;
}

/**
 * Pages the exchange's candles forward from `since` until the last closed one, a page at a time. Pages
 * may overlap (an exchange repeats the candle at the cursor, or one that was still forming): later data
 * for an open time replaces earlier data, so every open time appears once, oldest first.
 */
export async function fetchCandlePages(
  market: Pick<MarketAccess, 'fetchCandles'>,
  symbol: string,
  timeframe: Timeframe,
  options: CandlePagesOptions,
): Promise<{ candles: CandleColumns; stopped: boolean }> {
  const span = timeframeMs[timeframe];
  const limit = options.pageLimit ?? candlePageLimit;
  const lastOpen = options.closedBy - span;
  const total = Math.max(0, Math.floor((lastOpen - options.since) / span) + 1);
  const byTime = new Map<number, number[]>();
  let cursor = options.since;
  while (cursor <= lastOpen) {
    if (options.shouldStop?.()) return { candles: toColumns(byTime), stopped: true };
    const page = await market.fetchCandles(symbol, timeframe, cursor, limit);
    let newest = -Infinity;
    for (let i = 0; i < page.time.length; i++) {
      const t = page.time[i] as number;
      newest = Math.max(newest, t);
      if (t < options.since || t > lastOpen) continue;
      byTime.set(t, [
        page.open[i] as number,
        page.high[i] as number,
        page.low[i] as number,
        page.close[i] as number,
        page.volume[i] as number,
      ]);
    }
    await options.onPage?.(Math.min(byTime.size, total), total);
    // An empty page, or one that does not move past the cursor, is the end of what the exchange has.
    if (!(newest >= cursor)) break;
    cursor = newest + span;
  }
  return { candles: toColumns(byTime), stopped: false };
}

function toColumns(byTime: Map<number, number[]>): CandleColumns {
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const c = emptyColumns(times.length);
  times.forEach((t, i) => {
    const [open, high, low, close, volume] = byTime.get(t) as number[];
    c.time[i] = t;
    c.open[i] = open as number;
    c.high[i] = high as number;
    c.low[i] = low as number;
    c.close[i] = close as number;
    c.volume[i] = volume as number;
  });
  return c;
}
