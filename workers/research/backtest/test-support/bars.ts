import { readFileSync } from 'node:fs';
import type { Bars } from '../types.js';

/** The reference data set (R's EuStockMarkets), read with a plain split: independent of the CSV importer. */
export function referenceCloses(column: 'DAX' | 'SMI' | 'CAC' | 'FTSE'): { time: number[]; close: number[] } {
  const url = new URL('../../../../test/fixtures/reference/eustockmarkets.csv', import.meta.url);
  const lines = readFileSync(url, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const at = header.indexOf(column);
  const dateAt = header.indexOf('date');
  const rows = lines.slice(1).map((l) => l.split(','));
  return {
    time: rows.map((r) => Date.parse(`${r[dateAt]}T00:00:00Z`)),
    close: rows.map((r) => Number(r[at])),
  };
}

/** Close-only bars from closes (open = high = low = close, no volume). */
export function closeOnlyBars(close: ArrayLike<number>, time?: ArrayLike<number>): Bars {
  const c = Float64Array.from(close);
  return {
    time: time ? Float64Array.from(time) : Float64Array.from(c, (_, i) => i * 86_400_000),
    open: c.slice(),
    high: c.slice(),
    low: c.slice(),
    close: c,
    volume: new Float64Array(c.length),
    closeOnly: true,
  };
}

/** A seeded random walk with OHLCV: each bar opens near the previous close and wanders. */
export function randomWalkBars(n: number, rand: () => number, start = 100): Bars {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let price = start;
  for (let i = 0; i < n; i++) {
    time[i] = 1_600_000_000_000 + i * 3_600_000;
    const o = price * (1 + (rand() - 0.5) * 0.002);
    const c = o * (1 + (rand() - 0.5) * 0.04);
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + rand() * 0.01);
    low[i] = Math.min(o, c) * (1 - rand() * 0.01);
    volume[i] = rand() < 0.1 ? 0 : 1 + rand() * 1000;
    price = c;
  }
  return { time, open, high, low, close, volume, closeOnly: false };
}
