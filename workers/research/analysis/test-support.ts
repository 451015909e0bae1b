import { readFileSync } from 'node:fs';
import type { BacktestConfig, Bars } from '../backtest/types.js';

/**
 * Test data for the analysis tests: the reference DAX closes (read with a plain split, independent of
 * the CSV importer) and seeded random walks.
 */
export function daxBars(): Bars {
  const url = new URL('../../../test/fixtures/reference/eustockmarkets.csv', import.meta.url);
  const lines = readFileSync(url, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const close = Float64Array.from(rows, (r) => Number(r[header.indexOf('DAX')]));
  return {
    time: Float64Array.from(rows, (r) => Date.parse(`${r[header.indexOf('date')]}T00:00:00Z`)),
    open: close.slice(),
    high: close.slice(),
    low: close.slice(),
    close,
    volume: new Float64Array(close.length),
    closeOnly: true,
  };
}

/** A seeded random walk with opens, highs, lows and volume, hourly bars. */
export function walkBars(n: number, seed: number): Bars {
  let state = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: enough for test prices.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    time[i] = 1_600_000_000_000 + i * 3_600_000;
    const o = price * (1 + (rand() - 0.5) * 0.002);
    const c = o * (1 + (rand() - 0.5) * 0.03);
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + rand() * 0.005);
    low[i] = Math.min(o, c) * (1 - rand() * 0.005);
    volume[i] = 1 + rand() * 1000;
    price = c;
  }
  return { time, open, high, low, close, volume, closeOnly: false };
}

export const closeConfig: BacktestConfig = {
  capital: 10_000,
  fee: 0.001,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: 252,
};
