import { describe, expect, it } from 'vitest';
import { sliceColumns, type CandleColumns } from '../market/candle-series.js';
import { macd } from '../research/indicators/macd.js';
import { rsi } from '../research/indicators/rsi.js';
import { formatNumber } from '../trading/risk/format.js';
import { AlertEvaluator } from './evaluator.js';
import { formatPrice } from './messages.js';
import {
  HOUR,
  MIN,
  T0,
  fillRecord,
  fillSpec,
  hourlyCandles,
  macdSpec,
  percentMoveSpec,
  priceCrossSpec,
  riskSpec,
  rsiSpec,
} from './test-support.js';
import type { AlertFiring, AlertSpec, RiskAlertEvent } from './types.js';
import { AlertSpecError } from './validate-alert.js';

const LIVE = { live: true };
const SEC = 1000;

/** Feeds prices one second apart from `start`; returns every firing. */
function feed(ev: AlertEvaluator, symbol: string, prices: number[], start = T0, step = SEC): AlertFiring[] {
  return prices.flatMap((p, i) => ev.price(symbol, start + i * step, p, LIVE));
}

/** Feeds candles one close at a time, as the market worker would. */
function feedCandles(ev: AlertEvaluator, candles: CandleColumns, from = 1): AlertFiring[] {
  const out: AlertFiring[] = [];
  for (let n = from; n <= candles.time.length; n++)
    out.push(...ev.candleClosed('BTC/USDT', '1h', sliceColumns(candles, 0, n), LIVE));
  return out;
}

describe('price-cross alerts', () => {
  it('fires once per crossing and re-arms only after going back past the band', () => {
    // Level 70,000 with the default 0.1 % band: re-arms below 69,930.
    const ev = new AlertEvaluator([priceCrossSpec()]);
    const f = feed(ev, 'BTC/USDT', [69_000, 69_900, 70_010, 69_990, 70_050, 69_900, 70_000]);
    expect(f.map((x) => x.time)).toEqual([T0 + 2 * SEC, T0 + 6 * SEC]);
    expect(f[0]).toMatchObject({
      alertId: 'price',
      kind: 'price-cross',
      symbol: 'BTC/USDT',
      message: 'BTC/USDT crossed above 70,000: last 70,010.',
      value: 70_010,
      late: false,
      sound: true,
      disabled: false,
    });
    expect(f[1]?.message).toBe('BTC/USDT crossed above 70,000: last 70,000.');
    expect(ev.stateOf('price')).toMatchObject({ firedCount: 2, lastFiredAt: T0 + 6 * SEC });
  });

  it('does not fire for a price already above the level at the first observation', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    expect(feed(ev, 'BTC/USDT', [71_000, 72_000, 70_500])).toEqual([]);
    expect(ev.stateOf('price')?.channels['']).toMatchObject({ armedUp: false, side: 'above', value: 70_500 });
    // Once it has been below the band, the next crossing fires.
    expect(feed(ev, 'BTC/USDT', [69_000, 70_100], T0 + 10 * SEC)).toHaveLength(1);
  });

  it('fires downward crossings for "below" and both ways for "either", naming the direction', () => {
    const below = new AlertEvaluator([priceCrossSpec({ direction: 'below', level: '70000.00' })]);
    const fb = feed(below, 'BTC/USDT', [71_000, 69_999.5, 70_040, 69_000]);
    expect(fb.map((x) => x.message)).toEqual(['BTC/USDT crossed below 70,000: last 69,999.5.']);

    const either = new AlertEvaluator([priceCrossSpec({ direction: 'either' })]);
    const fe = feed(either, 'BTC/USDT', [69_000, 70_500, 69_000, 69_950, 70_020]);
    expect(fe.map((x) => x.message)).toEqual([
      'BTC/USDT crossed above 70,000: last 70,500.',
      'BTC/USDT crossed below 70,000: last 69,000.',
      'BTC/USDT crossed above 70,000: last 70,020.',
    ]);
  });

  it('ignores other symbols and unusable prices', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    feed(ev, 'BTC/USDT', [69_000]);
    expect(ev.price('ETH/USDT', T0 + SEC, 80_000, LIVE)).toEqual([]);
    expect(ev.price('BTC/USDT', T0 + 2 * SEC, NaN, LIVE)).toEqual([]);
    expect(ev.price('BTC/USDT', T0 + 3 * SEC, -1, LIVE)).toEqual([]);
    expect(ev.price('BTC/USDT', NaN, 80_000, LIVE)).toEqual([]);
    expect(ev.stateOf('price')?.channels['']?.value).toBe(69_000);
    expect(ev.price('BTC/USDT', T0 + 4 * SEC, 80_000, LIVE)).toHaveLength(1);
  });

  it('a "once" alert disables itself when it fires and says so', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ repeat: 'once' })]);
    const f = feed(ev, 'BTC/USDT', [69_000, 70_100, 69_000, 70_200]);
    expect(f).toHaveLength(1);
    expect(f[0]?.disabled).toBe(true);
    expect(ev.alerts()[0]?.enabled).toBe(false);
    // Still watching: re-enabling it does not fire for the crossing that is already behind it.
    ev.upsert({ ...(ev.alerts()[0] as AlertSpec), enabled: true });
    expect(ev.price('BTC/USDT', T0 + 10 * SEC, 70_300, LIVE)).toEqual([]);
  });

  it('ignores the same data arriving twice and data older than what it has seen', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    feed(ev, 'BTC/USDT', [69_000]);
    const first = ev.price('BTC/USDT', T0 + SEC, 70_100, LIVE);
    expect(first).toHaveLength(1);
    const before = ev.toJSON();
    expect(ev.price('BTC/USDT', T0 + SEC, 70_100, LIVE)).toEqual([]);
    // An older tick (a reconnect replaying) is not a new observation either, even one that would re-arm.
    expect(ev.price('BTC/USDT', T0, 60_000, LIVE)).toEqual([]);
    expect(ev.toJSON()).toEqual(before);
  });

  it('never fires for data from before the alert was created', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ createdAt: T0 + 5 * SEC })]);
    const f = feed(ev, 'BTC/USDT', [69_000, 70_100, 69_000, 70_100, 69_000, 70_100, 69_000, 70_100]);
    expect(f.map((x) => x.time)).toEqual([T0 + 5 * SEC, T0 + 7 * SEC]);
  });
});

describe('late firings', () => {
  it('marks data that is not live and says so', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + SEC, 70_100, { live: false });
    expect(f?.late).toBe(true);
    expect(f?.message).toBe(
      'BTC/USDT crossed above 70,000: last 70,100. Late: evaluated from data that was not live (it arrived after the engine was offline).',
    );
  });

  it('marks data older than the staleness bound at `now`', () => {
    const ev = new AlertEvaluator([priceCrossSpec()], { staleAfterMs: 10 * SEC });
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + SEC, 70_100, { live: true, now: T0 + SEC + 3 * MIN });
    expect(f?.late).toBe(true);
    expect(f?.message).toContain('Late: the data was 3 min old when it was evaluated.');
    const ok = new AlertEvaluator([priceCrossSpec()], { staleAfterMs: 10 * SEC });
    ok.price('BTC/USDT', T0, 69_000, LIVE);
    expect(ok.price('BTC/USDT', T0 + SEC, 70_100, { live: true, now: T0 + 5 * SEC })[0]?.late).toBe(false);
  });

  it('marks a crossing found after a gap in the data (offline, then data again)', () => {
    const ev = new AlertEvaluator([priceCrossSpec()], { gapMs: MIN });
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    const [f] = ev.price('BTC/USDT', T0 + 90 * MIN, 70_500, LIVE);
    expect(f).toMatchObject({ late: true, value: 70_500 });
    expect(f?.message).toContain('Late: the data before it is 1 h 30 min older');
  });
});

describe('snooze', () => {
  it('keeps observing while snoozed, so waking up fires nothing for a crossing that came and went', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ snoozedUntil: T0 + 10 * SEC })]);
    // Crosses and reverts during the snooze; then crosses again after it.
    const during = feed(ev, 'BTC/USDT', [69_000, 70_500, 69_000]);
    expect(during).toEqual([]);
    expect(ev.stateOf('price')?.channels['']).toMatchObject({ armedUp: true, value: 69_000 });
    expect(ev.price('BTC/USDT', T0 + 11 * SEC, 69_500, LIVE)).toEqual([]);
    expect(ev.price('BTC/USDT', T0 + 12 * SEC, 70_001, LIVE)).toHaveLength(1);
  });

  it('swallows a crossing that happened during the snooze and is still standing at wake-up', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    ev.price('BTC/USDT', T0, 69_000, LIVE);
    expect(ev.snooze('price', T0 + HOUR)).toBe(true);
    expect(ev.price('BTC/USDT', T0 + SEC, 70_500, LIVE)).toEqual([]);
    expect(ev.stateOf('price')?.firedCount).toBe(0);
    expect(ev.price('BTC/USDT', T0 + HOUR + SEC, 70_600, { live: true })).toEqual([]);
    expect(ev.snooze('nope', null)).toBe(false);
  });
});

describe('percent-move alerts', () => {
  it('fires when the move from the oldest price in the window reaches the percent, then re-arms under it', () => {
    const ev = new AlertEvaluator([percentMoveSpec()], { gapMs: 2 * HOUR });
    const at = (m: number, p: number) => ev.price('ETH/USDT', T0 + m * MIN, p, LIVE);
    expect([...at(0, 100), ...at(30, 103)]).toEqual([]);
    const [f] = at(50, 105.2);
    expect(f).toMatchObject({ alertId: 'move', late: false, time: T0 + 50 * MIN });
    expect(f?.value).toBeCloseTo(5.2, 12);
    expect(f?.message).toBe('ETH/USDT rose 5.2 % in 50 min (from 100 to 105.2).');
    // 70 min: the window starts at 10 min, so 103 is the reference: +2.1 %, back under 4.5 %: re-armed.
    expect(at(70, 105.2)).toEqual([]);
    const [g] = at(80, 108.5);
    expect(g?.message).toBe('ETH/USDT rose 5.33 % in 50 min (from 103 to 108.5).');
  });

  it('does not re-fire while the move stays inside the band', () => {
    const ev = new AlertEvaluator([percentMoveSpec({ hysteresis: 0.2 })], { gapMs: 2 * HOUR });
    const at = (m: number, p: number) => ev.price('ETH/USDT', T0 + m * MIN, p, LIVE);
    at(0, 100);
    expect(at(1, 105)).toHaveLength(1);
    // Re-arms below 4 % only.
    expect([...at(2, 104.1), ...at(3, 105.5), ...at(4, 104.5), ...at(5, 106)]).toEqual([]);
    expect(at(6, 103.9)).toEqual([]);
    expect(at(7, 105)).toHaveLength(1);
  });

  it('fires on falls for "down" and both ways for "either"', () => {
    const down = new AlertEvaluator([percentMoveSpec({ direction: 'down' })]);
    down.price('ETH/USDT', T0, 100, LIVE);
    expect(down.price('ETH/USDT', T0 + 10 * SEC, 106, LIVE)).toEqual([]);
    const [f] = down.price('ETH/USDT', T0 + 20 * SEC, 94.5, LIVE);
    expect(f?.message).toBe('ETH/USDT fell 5.5 % in 20 s (from 100 to 94.5).');
    expect(f?.value).toBeCloseTo(-5.5, 12);

    const either = new AlertEvaluator([percentMoveSpec({ direction: 'either' })]);
    const f2 = feed(either, 'ETH/USDT', [100, 106, 94]);
    expect(f2.map((x) => x.message)).toEqual([
      'ETH/USDT rose 6 % in 1 s (from 100 to 106).',
      'ETH/USDT fell 6 % in 2 s (from 100 to 94).',
    ]);
  });

  it('never measures from a price older than the window (after a long gap)', () => {
    const ev = new AlertEvaluator([percentMoveSpec()]);
    ev.price('ETH/USDT', T0, 100, LIVE);
    // Two hours offline: the 100 from before is outside the one-hour window.
    expect(ev.price('ETH/USDT', T0 + 2 * HOUR, 110, LIVE)).toEqual([]);
    const [f] = ev.price('ETH/USDT', T0 + 2 * HOUR + 30 * SEC, 116, LIVE);
    expect(f?.message).toBe('ETH/USDT rose 5.45 % in 30 s (from 110 to 116).');
  });

  it('fires at a move of exactly the percent, which float arithmetic puts a hair under it', () => {
    // (1.15 - 1) / 1 x 100 is 14.999999999999991 in floats; the prices' decimal text says 15 exactly.
    const up = new AlertEvaluator([percentMoveSpec({ percent: 15 })]);
    up.price('ETH/USDT', T0, 1, LIVE);
    const [f] = up.price('ETH/USDT', T0 + SEC, 1.15, LIVE);
    expect(f).toMatchObject({ value: 15, message: 'ETH/USDT rose 15 % in 1 s (from 1 to 1.15).' });
    // The same for falls: (71 - 100) / 100 x 100 is -28.999999999999996 in floats.
    const down = new AlertEvaluator([percentMoveSpec({ percent: 29, direction: 'down' })]);
    down.price('ETH/USDT', T0, 100, LIVE);
    const [g] = down.price('ETH/USDT', T0 + SEC, 71, LIVE);
    expect(g).toMatchObject({ value: -29, message: 'ETH/USDT fell 29 % in 1 s (from 100 to 71).' });
  });

  it('does not fire for a move just under the percent', () => {
    const ev = new AlertEvaluator([percentMoveSpec({ percent: 15 })]);
    const at = (s: number, p: number) => ev.price('ETH/USDT', T0 + s * SEC, p, LIVE);
    at(0, 1);
    expect([...at(1, 1.1499999999), ...at(2, 1.14999999999999)]).toEqual([]);
    expect(at(3, 1.15)).toHaveLength(1);
    // Re-arms only below 13.5 % (band 10 % of 15): exactly 13.5 % does not, 13.4999 % does.
    expect([...at(4, 1.135), ...at(5, 1.16)]).toEqual([]);
    expect([...at(6, 1.134999), ...at(7, 1.15)]).toHaveLength(1);
  });

  it('alerts on the same symbol and window share one window', () => {
    const ev = new AlertEvaluator([percentMoveSpec({ id: 'a' }), percentMoveSpec({ id: 'b', percent: 2 })]);
    feed(ev, 'ETH/USDT', [100, 101, 103]);
    expect(Object.keys(ev.toJSON().windows)).toEqual([`${HOUR}|ETH/USDT`]);
    expect(ev.stateOf('b')?.firedCount).toBe(1);
    ev.remove('a');
    ev.remove('b');
    expect(ev.toJSON().windows).toEqual({});
  });
});

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

describe('order-filled alerts', () => {
  it('fires for each fill with the trade in words, once per fill id', () => {
    const ev = new AlertEvaluator([fillSpec()]);
    const [f] = ev.fill(fillRecord());
    expect(f).toMatchObject({ kind: 'order-filled', symbol: 'BTC/USDT', value: 65_000.5, late: false });
    expect(f?.message).toBe(
      'Filled: bought 0.5 BTC/USDT at 65,000.5 (32,500.25), order o-1 on account paper.',
    );
    expect(ev.fill(fillRecord())).toEqual([]);
    expect(ev.fill(fillRecord({ id: 'f-2', side: 'sell' }))[0]?.message).toMatch(/^Filled: sold 0.5/);
  });

  it('filters by account and symbol', () => {
    const ev = new AlertEvaluator([
      fillSpec({ id: 'acc', accountId: 'live-1' }),
      fillSpec({ id: 'sym', symbol: 'ETH/USDT' }),
    ]);
    expect(ev.fill(fillRecord({ id: 'a' }))).toEqual([]);
    expect(ev.fill(fillRecord({ id: 'b', accountId: 'live-1' })).map((f) => f.alertId)).toEqual(['acc']);
    expect(ev.fill(fillRecord({ id: 'c', symbol: 'ETH/USDT' })).map((f) => f.alertId)).toEqual(['sym']);
  });

  it('remembers fills across a restore', () => {
    const ev = new AlertEvaluator([fillSpec()]);
    ev.fill(fillRecord());
    const again = new AlertEvaluator([fillSpec()], { state: JSON.parse(JSON.stringify(ev.toJSON())) });
    expect(again.fill(fillRecord())).toEqual([]);
  });
});

describe('risk alerts', () => {
  const trip = (time: number): RiskAlertEvent => ({
    kind: 'breaker-tripped',
    time,
    accountId: 'paper',
    rule: 'drawdown',
    message:
      'Trading halted: equity 9,000 is 10 % below its peak of 10,000, reaching the max drawdown of 10 %.',
  });

  it('breaker trips fire once per event', () => {
    const ev = new AlertEvaluator([riskSpec()]);
    const [f] = ev.risk(trip(T0));
    expect(f?.message).toBe(
      'Circuit breaker "drawdown" tripped on account paper: Trading halted: equity 9,000 is 10 % below its peak of 10,000, reaching the max drawdown of 10 %.',
    );
    expect(f?.value).toBeNull();
    expect(ev.risk(trip(T0))).toEqual([]);
    expect(ev.risk(trip(T0 + HOUR))).toHaveLength(1);
  });

  it('drawdown fires beyond the threshold and re-arms under it minus the band, per account', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'drawdown', threshold: 0.1 })]);
    const dd = (t: number, drawdown: number, accountId = 'paper'): AlertFiring[] =>
      ev.risk({ kind: 'drawdown', time: T0 + t * SEC, accountId, drawdown, equity: '8800', peak: '10000' });
    expect(dd(0, 0.05)).toEqual([]);
    const [f] = dd(1, 0.12);
    expect(f?.message).toBe(
      'Account paper is 12 % below its equity peak (alert at 10 %): equity 8,800 against a peak of 10,000.',
    );
    // Band: 10 % of 0.1, so it re-arms below 0.09.
    expect([...dd(2, 0.095), ...dd(3, 0.13), ...dd(4, 0.08)]).toEqual([]);
    expect(dd(5, 0.11)).toHaveLength(1);
    // Another account has its own crossing.
    expect([...dd(6, 0.02, 'live-1'), ...dd(7, 0.2, 'live-1')]).toHaveLength(1);
  });

  it('correlation shocks fire per pair whose change reaches the threshold, filtered by symbol', () => {
    const ev = new AlertEvaluator([
      riskSpec({ id: 'all', event: 'correlation-shock', threshold: 0.5 }),
      riskSpec({ id: 'sol', event: 'correlation-shock', threshold: 0.5, symbol: 'SOL/USDT' }),
    ]);
    const pair = (a: string, b: string, ewma: number, longRun: number) => ({
      a,
      b,
      ewma,
      longRun,
      change: ewma - longRun,
    });
    ev.risk({
      kind: 'correlation-shock',
      time: T0,
      pairs: [pair('BTC', 'ETH', 0.7, 0.8), pair('BTC', 'SOL', 0.6, 0.7)],
    });
    const f = ev.risk({
      kind: 'correlation-shock',
      time: T0 + HOUR,
      pairs: [pair('BTC', 'ETH', 0.1, 0.8), pair('BTC', 'SOL', 0.6, 0.7)],
    });
    expect(f.map((x) => x.alertId)).toEqual(['all']);
    expect(f[0]?.message).toBe(
      'Correlation shock BTC/ETH: recent correlation 0.1 against 0.8 long-run (change -0.7, alert at 0.5).',
    );
    const g = ev.risk({
      kind: 'correlation-shock',
      time: T0 + 2 * HOUR,
      pairs: [pair('SOL', 'BTC', -0.2, 0.7)],
    });
    expect(g.map((x) => x.alertId)).toEqual(['all', 'sol']);
  });

  it('feed-stale fires when the feed goes stale and again only after it was live', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    const status = (t: number, stale: boolean) =>
      ev.risk({
        kind: 'feed-stale',
        time: T0 + t * SEC,
        exchange: 'binance',
        symbol: null,
        stale,
        ageMs: 45_000,
      });
    expect(status(0, false)).toEqual([]);
    const [f] = status(1, true);
    expect(f?.message).toBe('The binance feed is stale: the newest data is 45 s old.');
    expect(status(2, true)).toEqual([]);
    expect(status(3, false)).toEqual([]);
    expect(status(4, true)).toHaveLength(1);
  });
});

describe('risk alerts: the first event of a channel', () => {
  const stale = (ev: AlertEvaluator, t: number, isStale: boolean, symbol: string | null = null) =>
    ev.risk({
      kind: 'feed-stale',
      time: T0 + t * SEC,
      exchange: 'binance',
      symbol,
      stale: isStale,
      ageMs: 45_000,
    });

  it('a feed that is stale at the first event fires (risk channels start armed, as if all was well)', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    const [f] = stale(ev, 0, true);
    expect(f?.message).toBe('The binance feed is stale: the newest data is 45 s old.');
    expect(stale(ev, 1, true)).toEqual([]);
    const sym = new AlertEvaluator([riskSpec({ event: 'feed-stale', symbol: 'BTC/USDT' })]);
    expect(stale(sym, 0, true, 'BTC/USDT').map((x) => x.message)).toEqual([
      'The binance feed for BTC/USDT is stale: the newest data is 45 s old.',
    ]);
  });

  it('a drawdown already past the threshold at the first event fires', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'drawdown', threshold: 0.1 })]);
    const dd = (t: number, drawdown: number) =>
      ev.risk({ kind: 'drawdown', time: T0 + t * SEC, accountId: 'paper', drawdown });
    expect(dd(0, 0.2)).toHaveLength(1);
    expect(dd(1, 0.25)).toEqual([]);
    expect(ev.stateOf('risk')?.firedCount).toBe(1);
  });

  it('a correlation pair already past the threshold at its first event fires', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'correlation-shock', threshold: 0.5 })]);
    const f = ev.risk({
      kind: 'correlation-shock',
      time: T0,
      pairs: [
        { a: 'BTC', b: 'ETH', ewma: 0.1, longRun: 0.8, change: -0.7 },
        { a: 'BTC', b: 'SOL', ewma: 0.6, longRun: 0.7, change: -0.1 },
      ],
    });
    expect(f.map((x) => x.message)).toEqual([
      'Correlation shock BTC/ETH: recent correlation 0.1 against 0.8 long-run (change -0.7, alert at 0.5).',
    ]);
  });

  it('does not fire for a risk event from before the alert was created', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale', createdAt: T0 + HOUR })]);
    expect(stale(ev, 0, true)).toEqual([]);
    expect(stale(ev, 1, true)).toEqual([]);
  });

  it('a live event of one market re-arms the whole-exchange channel', () => {
    const all = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    expect(stale(all, 0, true)).toHaveLength(1);
    // The connection came back: the market worker reports markets, not the exchange.
    expect(stale(all, 1, false, 'BTC/USDT')).toEqual([]);
    expect(stale(all, 2, true).map((x) => x.message)).toEqual([
      'The binance feed is stale: the newest data is 45 s old.',
    ]);
    expect(all.stateOf('risk')?.channels['binance|*']).toMatchObject({ armedUp: false, value: 1 });

    // An alert on one market is re-armed by that market only; another market is not its business.
    const btc = new AlertEvaluator([riskSpec({ event: 'feed-stale', symbol: 'BTC/USDT' })]);
    expect(stale(btc, 0, true)).toHaveLength(1);
    expect([...stale(btc, 1, false, 'ETH/USDT'), ...stale(btc, 2, true)]).toEqual([]);
    expect(stale(btc, 3, false, 'BTC/USDT')).toEqual([]);
    expect(stale(btc, 4, true)).toHaveLength(1);
  });

  it('a stale market does not fire or disarm the whole-exchange channel', () => {
    const ev = new AlertEvaluator([riskSpec({ event: 'feed-stale' })]);
    expect(stale(ev, 0, true, 'BTC/USDT').map((x) => x.symbol)).toEqual(['BTC/USDT']);
    expect(stale(ev, 1, true).map((x) => x.symbol)).toEqual([null]);
  });

  it('price alerts still only set the side at the first observation', () => {
    const ev = new AlertEvaluator([priceCrossSpec({ direction: 'either' })]);
    expect(ev.price('BTC/USDT', T0, 71_000, LIVE)).toEqual([]);
    const below = new AlertEvaluator([priceCrossSpec({ direction: 'either' })]);
    expect(below.price('BTC/USDT', T0, 69_000, LIVE)).toEqual([]);
  });
});

describe('alert management and state', () => {
  it('keeps the state through a rename or a sound change, and starts over when the level changes', () => {
    const ev = new AlertEvaluator([priceCrossSpec()]);
    feed(ev, 'BTC/USDT', [69_000, 70_100]);
    ev.upsert(priceCrossSpec({ name: 'BTC 70k', sound: false }));
    expect(ev.stateOf('price')?.firedCount).toBe(1);
    expect(ev.price('BTC/USDT', T0 + 5 * SEC, 70_200, LIVE)).toEqual([]);
    ev.upsert(priceCrossSpec({ level: '71000' }));
    expect(ev.stateOf('price')).toMatchObject({ firedCount: 0, channels: {} });
    // First observation of the new level only sets the side.
    expect(ev.price('BTC/USDT', T0 + 6 * SEC, 71_500, LIVE)).toEqual([]);
  });

  it('carries on after a JSON round trip of its state without firing a crossing twice', () => {
    const specs = [priceCrossSpec(), percentMoveSpec()];
    const a = new AlertEvaluator(specs);
    feed(a, 'BTC/USDT', [69_000, 70_100]);
    feed(a, 'ETH/USDT', [100, 101]);
    const b = new AlertEvaluator(specs, { state: JSON.parse(JSON.stringify(a.toJSON())) });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.price('BTC/USDT', T0 + 5 * SEC, 70_300, LIVE)).toEqual([]);
    expect(b.price('ETH/USDT', T0 + 5 * SEC, 105.5, LIVE)).toHaveLength(1);
  });

  it('drops state of alerts that no longer exist and survives unreadable state', () => {
    const a = new AlertEvaluator([priceCrossSpec(), priceCrossSpec({ id: 'other' })]);
    feed(a, 'BTC/USDT', [69_000]);
    const b = new AlertEvaluator([priceCrossSpec()], { state: a.toJSON() });
    expect(Object.keys(b.toJSON().alerts)).toEqual(['price']);
    const junk = new AlertEvaluator([priceCrossSpec()], {
      state: { v: 1, alerts: { price: { condition: 3 } }, windows: { x: 'y' }, seenFills: [1, 'f'] },
    });
    expect(junk.toJSON()).toMatchObject({ windows: {}, seenFills: ['f'] });
    expect(junk.price('BTC/USDT', T0, 71_000, LIVE)).toEqual([]);
  });

  it('refuses a spec that is not valid, listing the problems', () => {
    const ev = new AlertEvaluator();
    expect(() => ev.upsert(priceCrossSpec({ level: 'lots' }))).toThrow(AlertSpecError);
    try {
      ev.upsert(priceCrossSpec({ level: '-1', direction: 'up' as never }));
    } catch (e) {
      expect((e as AlertSpecError).problems.map((p) => p.path).sort()).toEqual(['direction', 'level']);
    }
    expect(ev.alerts()).toEqual([]);
  });
});
