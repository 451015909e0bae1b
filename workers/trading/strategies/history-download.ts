import type { DatasetSummary, JobProgress } from '../../research/api.js';
import { isTimeframe, timeframeMs, type Timeframe } from '../../market/timeframes.js';
import { EngineFailure, engineError } from '../../shared/errors.js';
import type { DatasetRow, LyraDb } from '../../store/db.js';
import { fail } from '../failures.js';
import type { MarketAccess } from '../market-link.js';
import { candlePageLimit, fetchCandlePages } from './candle-pages.js';

export interface HistoryRequest {
  symbol: string;
  timeframe: Timeframe;
  since: number;
  until?: number | null;
  name?: string;
}

export interface HistoryDownloadDeps {
  db: LyraDb;
  market: MarketAccess;
  now: () => number;
  newId: () => string;
  pageLimit?: number;
}

/**
 * Exchange history into a research dataset: candles paged from `since` to `until` (or now), progress
 * after every page, and one dataset row written in one transaction at the end, so a cancelled or failed
 * download leaves nothing behind.
 */
export class HistoryDownloads {
  private readonly cancelled = new Set<string>();
  private readonly running = new Set<string>();

  constructor(private readonly deps: HistoryDownloadDeps) {}

  async download(
    request: HistoryRequest,
    jobId: string,
    onProgress?: (p: JobProgress) => void,
  ): Promise<DatasetSummary> {
    const { market, now } = this.deps;
    const exchange = market.exchangeId();
    if (!exchange) fail('offline', 'Connect to an exchange first: history comes from the exchange in use.');
    const { symbol, timeframe, since, until, name } = checked(request, market, now());
    const job = String(jobId);
    this.running.add(job);
    try {
      const stage = `Downloading ${symbol} ${timeframe} candles`;
      const { candles, stopped } = await fetchCandlePages(market, symbol, timeframe, {
        since,
        closedBy: until,
        pageLimit: this.deps.pageLimit ?? candlePageLimit,
        shouldStop: () => this.cancelled.has(job),
        onPage: (done, total) => onProgress?.({ done, total, stage }),
      });
      if (stopped || this.cancelled.has(job))
        throw new EngineFailure(engineError('cancelled', 'Download cancelled; nothing was kept.'));
      const n = candles.time.length;
      if (n === 0)
        fail(
          'no-history',
          `${exchange} has no closed ${timeframe} candles of ${symbol} between ${iso(since)} and ${iso(until)}. Pick an earlier start date, a longer period or another market.`,
        );
      const row: DatasetRow = {
        id: this.deps.newId(),
        name: name ?? `${symbol} ${timeframe} (${exchange})`,
        source: 'exchange',
        exchange,
        symbol,
        timeframe,
        bars: n,
        first: candles.time[0] as number,
        last: candles.time[n - 1] as number,
        closeOnly: false,
        createdAt: now(),
        ...candles,
      };
      const { db } = this.deps;
      await db.transaction('rw', db.datasets, () => db.datasets.put(row));
      const { time: _t, open: _o, high: _h, low: _l, close: _c, volume: _v, ...summary } = row;
      return summary;
    } finally {
      this.running.delete(job);
      this.cancelled.delete(job);
    }
  }

  cancel(jobId: string): void {
    if (this.running.has(String(jobId))) this.cancelled.add(String(jobId));
  }
}

interface CheckedRequest {
  symbol: string;
  timeframe: Timeframe;
  since: number;
  until: number;
  name: string | null;
}

function checked(request: HistoryRequest, market: MarketAccess, now: number): CheckedRequest {
  const r = (request ?? {}) as Partial<HistoryRequest>;
  if (typeof r.symbol !== 'string' || !market.markets().some((m) => m.symbol === r.symbol))
    fail('bad-symbol', `${String(r.symbol)} is not a market of this exchange. Pick a symbol from the list.`);
  if (!isTimeframe(r.timeframe))
    fail(
      'invalid',
      `${String(r.timeframe)} is not a timeframe Lyra offers. Use one of ${Object.keys(timeframeMs).join(', ')}.`,
    );
  if (typeof r.since !== 'number' || !Number.isFinite(r.since) || r.since < 0)
    fail('invalid', 'Choose a start date for the download.');
  const until = r.until ?? now;
  if (typeof until !== 'number' || !Number.isFinite(until))
    fail('invalid', 'The end date is not a date; leave it empty to download up to now.');
  if (until <= r.since)
    fail('invalid', `The start (${iso(r.since)}) must be before the end (${iso(until)}).`);
  const name = typeof r.name === 'string' && r.name.trim() !== '' ? r.name.trim().slice(0, 120) : null;
  return { symbol: r.symbol, timeframe: r.timeframe, since: r.since, until: Math.min(until, now), name };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
