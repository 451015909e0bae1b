import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../research/api.js';
import { timeframeMs } from '../../market/timeframes.js';
import type { EngineError } from '../../shared/errors.js';
import { LyraDb } from '../../store/db.js';
import { HistoryDownloads } from './history-download.js';
import { CandleMarket, candlesFromCloses, randomWalk } from './test-support.js';

const hour = timeframeMs['1h'];
const t0 = Date.UTC(2026, 1, 2);
let dbs = 0;

function setup(count: number, now = t0 + count * hour) {
  const db = new LyraDb(`history-${++dbs}-${Math.random()}`);
  const market = new CandleMarket(() => now, 'BTC/USDT', '1h');
  market.candles = candlesFromCloses(t0, '1h', randomWalk(count, count + 7));
  let ids = 0;
  const downloads = new HistoryDownloads({
    db,
    market,
    now: () => now,
    newId: () => `ds-${++ids}`,
    pageLimit: 100,
  });
  return { db, market, downloads, now };
}

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    return ((e as { error?: EngineError }).error ?? e) as EngineError;
  }
  throw new Error('expected a rejection');
}

describe('downloading history into a dataset', () => {
  it('pages the whole range, reports progress per page and stores one row of deduplicated columns', async () => {
    const { db, market, downloads } = setup(250);
    market.overlap = true;
    const progress: JobProgress[] = [];
    const summary = await downloads.download(
      { symbol: 'BTC/USDT', timeframe: '1h', since: t0 },
      'job-1',
      (p) => progress.push(p),
    );
    expect(market.requests.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBe(market.requests.length);
    expect(progress.at(-1)).toMatchObject({ done: 250, total: 250 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(summary).toMatchObject({
      id: 'ds-1',
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      bars: 250,
      first: t0,
      last: t0 + 249 * hour,
      closeOnly: false,
    });
    const row = await db.datasets.get('ds-1');
    expect(row?.time).toBeInstanceOf(Float64Array);
    expect([...row!.time]).toEqual(market.candles.map((c) => c.time));
    expect([...row!.close]).toEqual(market.candles.map((c) => c.close));
    expect(await db.datasets.count()).toBe(1);
  });

  it('keeps only closed candles up to `until`', async () => {
    const { db, downloads } = setup(100);
    const until = t0 + 40 * hour + 1;
    const summary = await downloads.download(
      { symbol: 'BTC/USDT', timeframe: '1h', since: t0 + 10 * hour, until, name: ' Forty ' },
      'job-2',
    );
    expect(summary.name).toBe('Forty');
    expect(summary.first).toBe(t0 + 10 * hour);
    // The candle opening at 39 h closes at 40 h, before `until`; the one at 40 h has not closed.
    expect(summary.last).toBe(t0 + 39 * hour);
    expect((await db.datasets.get(summary.id))?.bars).toBe(30);
  });

  it('a cancelled download rejects with code cancelled and keeps nothing', async () => {
    const { db, market, downloads } = setup(500);
    market.beforeAnswer = () => {
      if (market.requests.length === 2) void downloads.cancel('job-3');
    };
    const error = await rejection(
      downloads.download({ symbol: 'BTC/USDT', timeframe: '1h', since: t0 }, 'job-3'),
    );
    expect(error.code).toBe('cancelled');
    expect(market.requests.length).toBe(2);
    expect(await db.datasets.count()).toBe(0);
  });

  it('refuses an empty result with a message that says what to change', async () => {
    const { db, downloads } = setup(10);
    const error = await rejection(
      downloads.download(
        { symbol: 'BTC/USDT', timeframe: '1h', since: t0 + 50 * hour, until: t0 + 60 * hour },
        'job-4',
      ),
    );
    expect(error.code).toBe('no-history');
    expect(error.message).toMatch(/no closed 1h candles of BTC\/USDT/);
    expect(error.message).toMatch(/earlier start date/);
    expect(await db.datasets.count()).toBe(0);
  });

  it('refuses bad requests before asking the exchange', async () => {
    const { market, downloads } = setup(10);
    const bad = [
      [{ symbol: 'NOPE/USDT', timeframe: '1h', since: t0 }, /not a market/],
      [{ symbol: 'BTC/USDT', timeframe: '7m', since: t0 }, /not a timeframe/],
      [{ symbol: 'BTC/USDT', timeframe: '1h', since: Number.NaN }, /start date/],
      [{ symbol: 'BTC/USDT', timeframe: '1h', since: t0, until: t0 - 1 }, /must be before the end/],
    ] as const;
    for (const [request, message] of bad)
      expect((await rejection(downloads.download(request as never, 'job-5'))).message).toMatch(message);
    expect(market.requests).toHaveLength(0);
  });

  it('a failed page fails the download and stores nothing', async () => {
    const { db, market, downloads } = setup(300);
    market.beforeAnswer = () => {
      if (market.requests.length === 2) market.failNext = new Error('socket hang up');
    };
    await expect(
      downloads.download({ symbol: 'BTC/USDT', timeframe: '1h', since: t0 }, 'job-6'),
    ).rejects.toThrow(/socket hang up/);
    expect(await db.datasets.count()).toBe(0);
  });
});
