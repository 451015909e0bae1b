import type { CandleColumns } from '../../market/candle-series.js';
import { bucketStart, timeframeMs, type Timeframe } from '../../market/timeframes.js';
import type { MarketAccess } from '../market-link.js';
import { fetchCandlePages } from './candle-pages.js';

/** What closed since the last bar a run has: bars to keep as history, and the one to act on, if any. */
export type NewBars =
  | { kind: 'bars'; history: CandleColumns; live: CandleColumns | null }
  /** The bar that should be there is not served yet (or the fetch failed): ask again shortly. */
  | { kind: 'retry' }
  | { kind: 'up-to-date' };

/**
 * A run's candles from the exchange. A bar counts once it closed and the poll delay passed (exchanges
 * publish a bar's final values a little late). Only the newest bar, and only if it closed within the
 * last bar's length, is live: older ones closed while no tab ran the strategy and are history, since a
 * signal is for its own close and is never acted on late.
 */
export class RunBarFeed {
  private failing = false;

  constructor(
    private readonly market: MarketAccess,
    private readonly symbol: string,
    private readonly timeframe: Timeframe,
    private readonly pollDelayMs: number,
    private readonly note: (message: string) => void,
  ) {}

  private get span(): number {
    return timeframeMs[this.timeframe];
  }

  /** The `count` bars closed before `now` (for the indicators' warm-up), or null when the fetch failed. */
  history(now: number, count: number): Promise<CandleColumns | null> {
    return this.fetch(bucketStart(now, this.timeframe) - count * this.span, now);
  }

  /** Bars after the one opening at `last` (null: none yet). */
  async after(last: number | null, now: number): Promise<NewBars> {
    const ready = now - this.pollDelayMs;
    const expected = bucketStart(ready, this.timeframe) - this.span;
    const fresh = await this.fetch(last === null ? expected : last + this.span, ready);
    if (fresh === null) return { kind: 'retry' };
    const n = fresh.time.length;
    if (n === 0) return last !== null && last < expected ? { kind: 'retry' } : { kind: 'up-to-date' };
    const live = (fresh.time[n - 1] as number) + 2 * this.span > now;
    const cut = live ? n - 1 : n;
    return { kind: 'bars', history: slice(fresh, 0, cut), live: live ? slice(fresh, cut, n) : null };
  }

  private async fetch(since: number, closedBy: number): Promise<CandleColumns | null> {
    try {
      const { candles } = await fetchCandlePages(this.market, this.symbol, this.timeframe, {
        since,
        closedBy,
      });
      if (this.failing) this.note('Candles arrive again.');
      this.failing = false;
      return candles;
    } catch (e) {
      if (!this.failing) this.note(`Could not fetch ${this.symbol} candles (${messageOf(e)}); retrying.`);
      this.failing = true;
      return null;
    }
  }
}

function slice(c: CandleColumns, from: number, to: number): CandleColumns {
  return {
    time: c.time.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
  };
}

/** The exchange's own words: errors arrive as Error objects or as EngineError data. */
function messageOf(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}
