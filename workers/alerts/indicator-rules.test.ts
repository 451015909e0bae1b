import { describe, expect, it } from 'vitest';
import { sliceColumns, type CandleColumns } from '../market/candle-series.js';
import { macd } from '../research/indicators/macd.js';
import { rsi } from '../research/indicators/rsi.js';
import { formatNumber } from '../trading/risk/format.js';
import { AlertEvaluator } from './evaluator.js';
import { formatPrice } from './messages.js';
import { HOUR, LIVE, T0, hourlyCandles, macdSpec, rsiSpec } from './test-support.js';
import type { AlertFiring } from './types.js';

/** Feeds candles one close at a time, as the market worker would. */
function feedCandles(ev: AlertEvaluator, candles: CandleColumns, from = 1): AlertFiring[] {
  const out: AlertFiring[] = [];
  for (let n = from; n <= candles.time.length; n++)
    out.push(...ev.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, n), LIVE));
  return out;
}

describe('indicator alerts', () => {
  // 20 hours of chop, 12 of steady rise, 14 of fall, 16 of rise again.
  const closes = [
    ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 100 : 101)),
    ...Array.from({ length: 12 }, (_, i) => 101 + (i + 1) * 1.5),
    ...Array.from({ length: 14 }, (_, i) => 119 - (i + 1) * 2.5),
    ...Array.from({ length: 16 }, (_, i) => 84 + (i + 1) * 3),
  ];
  const candles = hourlyCandles(closes);
  const closeTime = (i: number) => T0 + i * HOUR + HOUR;

  /** Indices where an upward crossing of `level` should fire, found by scanning with the band. */
  function expectedUp(values: Float64Array, level: number, band: (i: number) => number) {
    const hits: number[] = [];
    let armed: boolean | null = null;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (armed === null) armed = v < level;
      else if (armed && v >= level) {
        hits.push(i);
        armed = false;
      } else if (!armed && v < level - band(i)) armed = true;
    });
    return hits;
  }

  it('RSI above: fires on the candle whose RSI reaches the level, with the number in the message', () => {
    const ev = new AlertEvaluator([rsiSpec()]);
    const f = feedCandles(ev, candles);
    const r = rsi(candles.close, 14);
    const hits = expectedUp(r, 70, () => 2);
    expect(hits.length).toBe(2);
    expect(f.map((x) => x.time)).toEqual(hits.map(closeTime));
    for (const [k, i] of hits.entries()) {
      expect(r[i - 1]).toBeLessThan(70);
      expect(f[k]?.value).toBe(r[i]);
      expect(f[k]?.message).toBe(
        `RSI(14) of BTC/USDT on 1h rose above 70: ${formatNumber(r[i] as number, 1, 'floor')}.`,
      );
      expect(f[k]?.late).toBe(false);
    }
  });

  it('RSI below fires on the fall', () => {
    const ev = new AlertEvaluator([rsiSpec({ condition: 'below', level: 30 })]);
    const f = feedCandles(ev, candles);
    const r = rsi(candles.close, 14);
    const i = r.findIndex((v, j) => j > 32 && v <= 30);
    expect(i).toBeGreaterThan(32);
    expect(f.map((x) => x.time)).toEqual([closeTime(i)]);
    expect(f[0]?.message).toMatch(/^RSI\(14\) of BTC\/USDT on 1h fell below 30: \d+(\.\d)?\.$/);
  });

  it('MACD cross-above fires when the line crosses its signal, with both numbers', () => {
    const spec = macdSpec({ params: { fast: 3, slow: 6, signal: 4 } });
    const ev = new AlertEvaluator([spec]);
    const f = feedCandles(ev, candles);
    const m = macd(candles.close, 3, 6, 4);
    const hits = expectedUp(m.hist, 0, (i) => 0.0001 * (candles.close[i] as number));
    expect(hits.length).toBeGreaterThan(0);
    expect(f.map((x) => x.time)).toEqual(hits.map(closeTime));
    const i = hits[0] as number;
    expect(f[0]?.message).toBe(
      `MACD(3, 6, 4) of BTC/USDT on 1h crossed above its signal line: MACD ${formatPrice(m.macd[i] as number)}, signal ${formatPrice(m.signal[i] as number)}.`,
    );
  });

  it('walks candles that arrive together (after being offline) and marks those firings late', () => {
    const step = new AlertEvaluator([rsiSpec()]);
    const stepwise = feedCandles(step, candles);
    const batch = new AlertEvaluator([rsiSpec()]);
    batch.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, 20), LIVE);
    const caught = batch.candleClosed('BTC/USDT', '1h', candles, LIVE);
    expect(caught.map((x) => [x.time, x.value])).toEqual(stepwise.map((x) => [x.time, x.value]));
    expect(caught.every((x) => x.late)).toBe(true);
    expect(caught[0]?.message).toContain('which arrived together with newer candles');
    // The same candles again change nothing.
    expect(batch.candleClosed('BTC/USDT', '1h', candles, LIVE)).toEqual([]);
  });

  it('ignores other timeframes and symbols, and candles before the indicator has warmed up', () => {
    const ev = new AlertEvaluator([rsiSpec()]);
    expect(ev.candleClosed('BTC/USDT', '4h', candles, LIVE)).toEqual([]);
    expect(ev.candleClosed('ETH/USDT', '1h', candles, LIVE)).toEqual([]);
    ev.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, 10), LIVE);
    expect(ev.stateOf('rsi')?.channels).toEqual({});
  });
});
