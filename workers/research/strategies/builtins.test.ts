import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/random.js';
import { runBacktest } from '../backtest/engine.js';
import { closeOnlyBars, randomWalkBars, referenceCloses } from '../backtest/test-support/bars.js';
import type { BacktestConfig, Bars, Params, Strategy } from '../backtest/types.js';
import { rsi } from '../indicators/index.js';
import { donchianBreakout } from './donchian-breakout.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';

const config: BacktestConfig = {
  capital: 1000,
  fee: 0,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: 252,
};

/** Entry and exit bars of a long-only rule applied by hand: enter when flat and `enter(i)`, leave when long and `leave(i)`. */
function expectedSignals(n: number, enter: (i: number) => boolean, leave: (i: number) => boolean): string[] {
  const out: string[] = [];
  let long = false;
  for (let i = 0; i < n; i++) {
    if (!long && enter(i)) {
      out.push(`${i}:buy`);
      long = true;
    } else if (long && leave(i)) {
      out.push(`${i}:exit`);
      long = false;
    }
  }
  return out;
}

const signalsOf = (bars: Bars, s: Strategy, p: Params) =>
  runBacktest(bars, s, p, config).signals.map((x) => `${x.i}:${x.action}`);

describe('built-in strategies', () => {
  it('rsi-reversion buys below the lower level and sells above the upper one', () => {
    const { close, time } = referenceCloses('SMI');
    const bars = closeOnlyBars(close, time);
    const params = { period: 14, lower: 35, upper: 65 };
    const r = rsi(bars.close, 14);
    const want = expectedSignals(
      close.length,
      (i) => r[i]! < 35,
      (i) => r[i]! > 65,
    );
    expect(want.length).toBeGreaterThan(4);
    expect(signalsOf(bars, rsiReversion, params)).toEqual(want);
  });

  it('donchian-breakout buys above the previous bars highest high and sells below their lowest low', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        (seed, entry, exit) => {
          const bars = randomWalkBars(300, mulberry32(seed));
          const { high, low, close } = bars;
          const highest = (i: number, k: number) => (i < k ? NaN : Math.max(...high.subarray(i - k, i)));
          const lowest = (i: number, k: number) => (i < k ? NaN : Math.min(...low.subarray(i - k, i)));
          const want = expectedSignals(
            300,
            (i) => close[i]! > highest(i, entry),
            (i) => close[i]! < lowest(i, exit),
          );
          expect(signalsOf(bars, donchianBreakout, { entry, exit })).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('donchian-breakout draws the channels its rule compares with: the bars before, not this one', () => {
    const bars = randomWalkBars(300, mulberry32(5));
    const { high, low, close } = bars;
    const r = runBacktest(bars, donchianBreakout, { entry: 12, exit: 7 }, config, { overlays: true });
    const upper = r.overlays!['High 12']!;
    const lower = r.overlays!['Low 7']!;
    for (let i = 0; i < 300; i++) {
      expect(upper[i]).toBe(i < 12 ? NaN : Math.max(...high.subarray(i - 12, i)));
      expect(lower[i]).toBe(i < 7 ? NaN : Math.min(...low.subarray(i - 7, i)));
    }
    // Every entry is a close above the drawn upper channel, every exit a close below the drawn lower one.
    expect(r.signals.length).toBeGreaterThan(4);
    for (const s of r.signals)
      if (s.action === 'buy') expect(close[s.i]!).toBeGreaterThan(upper[s.i]!);
      else expect(close[s.i]!).toBeLessThan(lower[s.i]!);
  });

  it('sma-cross is long exactly while the fast average is above the slow one', () => {
    const bars = randomWalkBars(500, mulberry32(11));
    const r = runBacktest(bars, smaCross, { fast: 5, slow: 30 }, config);
    const mean = (i: number, k: number) => {
      let s = 0;
      for (let j = i - k + 1; j <= i; j++) s += bars.close[j]!;
      return s / k;
    };
    for (let i = 0; i < 500; i++) expect(r.position[i]! > 0).toBe(i >= 29 && mean(i, 5) > mean(i, 30));
  });

  it('state their warm-up and refuse crossed params', () => {
    expect(smaCross.warmup({ fast: 10, slow: 50 })).toBe(49);
    expect(rsiReversion.warmup({ period: 14, lower: 30, upper: 70 })).toBe(14);
    expect(donchianBreakout.warmup({ entry: 20, exit: 10 })).toBe(20);
    expect(smaCross.validate!({ fast: 50, slow: 50 })[0]).toMatch(
      /fast \(50\) must be shorter than slow \(50\)/,
    );
    expect(rsiReversion.validate!({ period: 14, lower: 70, upper: 30 })[0]).toMatch(
      /lower \(70\) must be below upper/,
    );
  });
});
