import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from './evaluator.js';
import { HOUR, LIVE, MIN, SEC, T0, feed, percentMoveSpec, priceCrossSpec } from './test-support.js';
import type { AlertSpec } from './types.js';

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
