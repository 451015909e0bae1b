import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeframeMs } from '../../market/timeframes.js';
import { fetchCandlePages } from './candle-pages.js';
import { CandleMarket, candlesFromCloses, randomWalk } from './test-support.js';

const minute = timeframeMs['1m'];
const t0 = Date.UTC(2026, 0, 5);

describe('paging candles forward', () => {
  it('returns every closed candle once, oldest first, whatever the page size and overlap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        // At least two: a page of one that repeats the candle before the cursor can never move on.
        fc.integer({ min: 2, max: 50 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 59 }),
        async (count, pageCap, overlap, secondsIntoForming) => {
          // The last candle is still forming: the clock is inside it.
          const now = t0 + (count - 1) * minute + secondsIntoForming * 1000;
          const market = new CandleMarket(() => now);
          market.candles = candlesFromCloses(t0, '1m', randomWalk(count, count));
          market.pageCap = pageCap;
          market.overlap = overlap;
          const { candles } = await fetchCandlePages(market, 'BTC/USDT', '1m', {
            since: t0,
            closedBy: now,
            pageLimit: 1000,
          });
          const expected = market.candles.filter((c) => c.time + minute <= now);
          expect([...candles.time]).toEqual(expected.map((c) => c.time));
          expect([...candles.close]).toEqual(expected.map((c) => c.close));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('asks for pages from the cursor forward and reports progress after each', async () => {
    const now = t0 + 25 * minute;
    const market = new CandleMarket(() => now);
    market.candles = candlesFromCloses(t0, '1m', randomWalk(26, 3));
    const progress: Array<[number, number]> = [];
    await fetchCandlePages(market, 'BTC/USDT', '1m', {
      since: t0,
      closedBy: now,
      pageLimit: 10,
      onPage: (done, total) => void progress.push([done, total]),
    });
    expect(market.requests.map((r) => r.since)).toEqual([t0, t0 + 10 * minute, t0 + 20 * minute]);
    expect(market.requests.every((r) => r.limit === 10)).toBe(true);
    expect(progress).toEqual([
      [10, 25],
      [20, 25],
      [25, 25],
    ]);
  });

  it('stops before the next request when asked, saying so', async () => {
    const now = t0 + 40 * minute;
    const market = new CandleMarket(() => now);
    market.candles = candlesFromCloses(t0, '1m', randomWalk(41, 4));
    let pages = 0;
    const result = await fetchCandlePages(market, 'BTC/USDT', '1m', {
      since: t0,
      closedBy: now,
      pageLimit: 10,
      onPage: () => void pages++,
      shouldStop: () => pages >= 2,
    });
    expect(result.stopped).toBe(true);
    expect(market.requests).toHaveLength(2);
  });
});
