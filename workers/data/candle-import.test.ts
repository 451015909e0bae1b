import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeValue } from '../sync/value-codec.js';
import { detectSpacing } from './candle-import.js';
import { EXCHANGE, closeAll, freshDb, handlers } from './test-data.js';

afterEach(closeAll);

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1);

/** An hourly OHLCV file with `n` rows starting at T0 (1,000 candles a block, so 2,500 span three). */
function hourlyCsv(n: number, from = T0, shift = 0): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    const o = 100 + (i % 50) + shift;
    lines.push(`${new Date(from + i * HOUR).toISOString()},${o},${o + 2},${o - 1},${o + 1},${(i * 0.25).toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

describe('candles from CSV', () => {
  it('previews rows, first and last time and the spacing, writing nothing', async () => {
    const db = freshDb();
    const { api } = handlers(db);
    const preview = await api.previewCandles({ text: hourlyCsv(30) });
    expect(preview).toEqual({
      ok: true,
      rows: 30,
      first: T0,
      last: T0 + 29 * HOUR,
      spacingMs: HOUR,
      timeframe: '1h',
      closeOnly: false,
      fixed: null,
    });
    expect(await db.candleBlocks.count()).toBe(0);
  });

  it('lists bad rows with their line, column and reason', async () => {
    const { api } = handlers(freshDb());
    const text = hourlyCsv(5).replace(/\n(2025-06-01T02[^,]*),(\d+),/, '\n$1,abc,');
    const preview = await api.previewCandles({ text });
    expect(preview.ok).toBe(false);
    if (preview.ok) return;
    expect(preview.problems[0]).toMatchObject({ row: 4, column: 'open' });
    expect(preview.problems[0]!.message).toMatch(/not a number/);
  });

  it('imports into the chart’s candle store, and a second import changes nothing', async () => {
    const db = freshDb();
    const { api, store } = handlers(db);
    const text = hourlyCsv(2500);
    const first = await api.importCandles({ text, symbol: 'BTC/USDT', timeframe: '1h' });
    expect(first).toMatchObject({ exchange: EXCHANGE, candles: 2500, added: 2500, changed: 0, unchanged: 0 });
    expect(await db.candleBlocks.count()).toBeGreaterThanOrEqual(3);
    for (const block of await db.candleBlocks.toArray()) expect(block.time.length).toBeLessThanOrEqual(1000);

    const chart = await store.loadCandles(EXCHANGE, 'BTC/USDT', '1h', 3000);
    expect(chart.time.length).toBe(2500);
    expect(chart.time[0]).toBe(T0);
    expect(chart.close[2499]).toBe(100 + (2499 % 50) + 1);
    expect(chart.volume[4]).toBe(1);

    const before = encodeValue(await db.candleBlocks.toArray());
    const again = await api.importCandles({ text, symbol: 'BTC/USDT', timeframe: '1h' });
    expect(again).toMatchObject({ candles: 2500, added: 0, changed: 0, unchanged: 2500 });
    expect(encodeValue(await db.candleBlocks.toArray())).toEqual(before);
  });

  it('counts changed candles when a file corrects stored ones', async () => {
    const db = freshDb();
    const { api } = handlers(db);
    await api.importCandles({ text: hourlyCsv(10), symbol: 'ETH/USDT', timeframe: '1h' });
    const r = await api.importCandles({ text: hourlyCsv(4, T0 + 8 * HOUR, 1), symbol: 'ETH/USDT', timeframe: '1h' });
    expect(r).toMatchObject({ added: 2, changed: 2, unchanged: 0 });
  });

  it('refuses a file whose spacing is not the timeframe, and writes nothing', async () => {
    const db = freshDb();
    const { api } = handlers(db);
    await expect(api.importCandles({ text: hourlyCsv(10), symbol: 'BTC/USDT', timeframe: '15m' })).rejects.toMatchObject({
      code: 'data-candles-timeframe',
      message: expect.stringMatching(/1h apart, not 15m: choose the 1h timeframe/),
    });
    // Hourly spacing, but the bars open at half past: not on the 1h grid.
    await expect(
      api.importCandles({ text: hourlyCsv(10, T0 + 30 * 60_000), symbol: 'BTC/USDT', timeframe: '1h' }),
    ).rejects.toMatchObject({ code: 'data-candles-timeframe', message: expect.stringMatching(/does not start a 1h candle/) });
    expect(await db.candleBlocks.count()).toBe(0);
  });

  it('refuses an unknown market and a broken file, and writes nothing', async () => {
    const db = freshDb();
    const { api } = handlers(db);
    await expect(api.importCandles({ text: hourlyCsv(3), symbol: 'NOPE/USDT', timeframe: '1h' })).rejects.toMatchObject({
      code: 'data-unknown-symbol',
    });
    await expect(
      api.importCandles({ text: 'time,open,high,low,close\n2025-06-01,1,2,3\n', symbol: 'BTC/USDT', timeframe: '1d' }),
    ).rejects.toMatchObject({ code: 'data-bad-file', message: expect.stringMatching(/line 2/) });
    expect(await db.candleBlocks.count()).toBe(0);
  });

  it('detects the usual gap even with missing bars', () => {
    expect(detectSpacing(Float64Array.of(0, 60, 120, 300, 360))).toBe(60);
    expect(detectSpacing(Float64Array.of(5))).toBeNull();
  });
});
