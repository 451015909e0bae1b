import { describe, expect, it } from 'vitest';
import { runBacktest, PROGRESS_EVERY } from './engine.js';
import { CancelledError, ResearchInputError } from './errors.js';
import { closeOnlyBars, randomWalkBars, referenceCloses } from './test-support/bars.js';
import { mulberry32 } from '../../../bench/random.js';
import type {
  BacktestConfig,
  BarContext,
  Bars,
  ExitRules,
  PreparedStrategy,
  SizeRule,
  Strategy,
} from './types.js';
import { smaCross } from '../strategies/sma-cross.js';

const NO_EXITS: ExitRules = { stopLoss: null, takeProfit: null, trailing: null };
const ALL_IN: SizeRule = { kind: 'equity-fraction', fraction: 1 };

const config = (over: Partial<BacktestConfig> = {}): BacktestConfig => ({
  capital: 1000,
  fee: 0,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: 252,
  ...over,
});

/** A strategy that does what a script says on given bars: `plan[i]` runs at the close of bar i. */
function scripted(
  plan: Record<number, (ctx: BarContext) => void>,
  extra: Partial<Strategy> = {},
  onFill?: PreparedStrategy['onFill'],
): Strategy {
  return {
    id: 'scripted',
    name: 'Scripted',
    description: 'test strategy',
    params: [],
    warmup: () => 0,
    defaultSize: ALL_IN,
    exits: NO_EXITS,
    prepare: () => ({ onBar: (ctx) => plan[ctx.i]?.(ctx), onFill }),
    ...extra,
  };
}

function ohlcBars(rows: [open: number, close: number][]): Bars {
  const open = Float64Array.from(rows, (r) => r[0]);
  const close = Float64Array.from(rows, (r) => r[1]);
  return {
    time: Float64Array.from(rows, (_, i) => Date.UTC(2024, 0, 1 + i)),
    open,
    high: Float64Array.from(rows, (r) => Math.max(...r) + 1),
    low: Float64Array.from(rows, (r) => Math.min(...r) - 1),
    close,
    volume: new Float64Array(rows.length).fill(100),
    closeOnly: false,
  };
}

describe('runBacktest: the sma-cross reference', () => {
  it('equals a plain loop over the DAX closes to 1e-12 relative at every bar', () => {
    const { time, close } = referenceCloses('DAX');
    const fee = 0.001;
    // Independent: the SMAs as means of their windows, the account by the formulas in the conventions.
    const mean = (to: number, k: number) => {
      let s = 0;
      for (let j = to - k + 1; j <= to; j++) s += close[j]!;
      return s / k;
    };
    const expected: number[] = [];
    let cash = 1;
    let units = 0;
    for (let t = 0; t < close.length; t++) {
      const c = close[t]!;
      const long = t >= 49 && mean(t, 10) > mean(t, 50);
      if (long && units === 0) {
        const spend = Math.min(1 * (cash + units * c), cash);
        units = spend / (c * (1 + fee));
        cash -= spend;
      } else if (!long && units > 0) {
        cash += units * c * (1 - fee);
        units = 0;
      }
      expected.push(cash + units * c);
    }

    const result = runBacktest(
      closeOnlyBars(close, time),
      smaCross,
      { fast: 10, slow: 50 },
      { capital: 1, fee, slippage: { model: 'none' }, execution: 'close', periodsPerYear: null },
    );
    expect(result.error).toBeNull();
    expect(result.equity.length).toBe(close.length);
    let worst = 0;
    for (let t = 0; t < close.length; t++)
      worst = Math.max(worst, Math.abs(result.equity[t]! / expected[t]! - 1));
    expect(worst).toBeLessThan(1e-12);
    expect(result.metrics.final_equity / expected.at(-1)! - 1).toBeLessThan(1e-12);
    // Weekday dates, daily: 252 bars a year.
    expect(result.metrics.periods_per_year).toBe(252);
    expect(result.metrics.trades).toBeGreaterThan(5);
  });
});

describe('runBacktest: execution', () => {
  const bars = ohlcBars([
    [10, 11],
    [12, 13],
    [14, 15],
    [16, 17],
    [18, 19],
  ]);

  it('fills at the close of the signal bar with close execution', () => {
    const r = runBacktest(bars, scripted({ 1: (c) => c.buy(), 3: (c) => c.exit() }), {}, config());
    expect(r.fills.map((f) => [f.i, f.side, f.price])).toEqual([
      [1, 'buy', 13],
      [3, 'sell', 17],
    ]);
    expect(r.position[0]).toBe(0);
    expect(r.position[1]).toBeCloseTo(1000 / 13, 12);
    expect(r.equity[4]).toBeCloseTo((1000 / 13) * 17, 9);
  });

  it('fills at the next open with next-open execution; an order on the last bar is a signal without a fill', () => {
    const r = runBacktest(
      bars,
      scripted({ 1: (c) => c.buy(), 3: (c) => c.exit(), 4: (c) => c.buy() }),
      {},
      config({ execution: 'next-open' }),
    );
    expect(r.fills.map((f) => [f.i, f.side, f.price])).toEqual([
      [2, 'buy', 14],
      [4, 'sell', 18],
    ]);
    expect(r.signals.map((s) => [s.i, s.action])).toEqual([
      [1, 'buy'],
      [3, 'exit'],
      [4, 'buy'],
    ]);
    // Bar 1 holds nothing yet: the order waits for the open of bar 2.
    expect(r.position[1]).toBe(0);
    expect(r.position[2]).toBeCloseTo(1000 / 14, 12);
  });

  it('refuses next-open execution on close-only data', () => {
    const closes = closeOnlyBars([1, 2, 3]);
    expect(() => runBacktest(closes, scripted({}), {}, config({ execution: 'next-open' }))).toThrow(
      'close-only data has no opens: execute at the close',
    );
  });

  it('sizes buys by equity share, cash amount and units, and sells part of a position', () => {
    const fee = 0.01;
    const r = runBacktest(
      bars,
      scripted({
        0: (c) => c.buy({ kind: 'equity-fraction', fraction: 0.5 }),
        1: (c) => c.buy({ kind: 'cash', amount: 100 }),
        2: (c) => c.buy({ kind: 'units', amount: 1e9 }),
        3: (c) => c.sell(10),
      }),
      {},
      config({ fee }),
    );
    const [a, b, c, d] = r.fills;
    expect(a!.units * 11 * (1 + fee)).toBeCloseTo(500, 9);
    expect(b!.units * 13 * (1 + fee)).toBeCloseTo(100, 9);
    // A units order larger than the cash affords spends all the cash.
    expect(c!.units * 15 * (1 + fee)).toBeCloseTo(400, 9);
    expect(d!.units).toBe(10);
    expect(d!.fee).toBeCloseTo(10 * 17 * fee, 12);
    expect(r.position[3]).toBeCloseTo(a!.units + b!.units + c!.units - 10, 9);
  });

  it('charges bps slippage against the order', () => {
    const r = runBacktest(
      bars,
      scripted({ 1: (c) => c.buy(), 3: (c) => c.exit() }),
      {},
      config({ slippage: { model: 'bps', bps: 25 } }),
    );
    expect(r.fills[0]!.price).toBeCloseTo(13 * 1.0025, 12);
    expect(r.fills[1]!.price).toBeCloseTo(17 * 0.9975, 12);
  });

  it('solves the volume model for the size it moves: notional + fee = spend, price from that size', () => {
    const fee = 0.002;
    const slippage = { model: 'volume', impact: 0.5, fallbackBps: 7 } as const;
    const r = runBacktest(
      bars,
      scripted({ 1: (c) => c.buy(), 2: (c) => c.exit() }),
      {},
      config({ fee, slippage }),
    );
    const buy = r.fills[0]!;
    expect(buy.units * buy.price * (1 + fee)).toBeCloseTo(1000, 9);
    expect(buy.price / (13 * (1 + Math.min(0.1, 0.5 * Math.sqrt(buy.units / 100)))) - 1).toBeLessThan(1e-12);
    const noVolume = { ...bars, volume: new Float64Array(5) };
    const r2 = runBacktest(noVolume, scripted({ 1: (c) => c.buy() }), {}, config({ slippage }));
    expect(r2.fills[0]!.price).toBeCloseTo(13 * 1.0007, 12);
  });

  it('lists an open position at the end as a trade marked at the last close, without a fill or fee', () => {
    const r = runBacktest(bars, scripted({ 1: (c) => c.buy() }), {}, config({ fee: 0.001 }));
    expect(r.fills).toHaveLength(1);
    const t = r.trades.at(-1)!;
    expect(t.exitReason).toBe('end');
    expect(t.exitIndex).toBe(4);
    expect(t.exitPrice).toBe(19);
    expect(t.fees).toBeCloseTo(r.fills[0]!.fee, 15);
    expect(t.pnl).toBeCloseTo(r.equity[4]! - 1000, 9);
    expect(r.metrics.trades).toBe(1);
  });
});

describe('runBacktest: exit rules', () => {
  const closes = [100, 100, 97, 94, 99, 120, 130, 125, 110];
  const exitsOf = (e: Partial<ExitRules>) => ({ ...NO_EXITS, ...e });
  const run = (
    e: Partial<ExitRules>,
    plan: Record<number, (c: BarContext) => void> = { 0: (c) => c.buy() },
  ) => runBacktest(closeOnlyBars(closes), scripted(plan, { exits: exitsOf(e) }), {}, config());

  it('stops out at the first close at or below entry x (1 - stop)', () => {
    const r = run({ stopLoss: 0.05 });
    expect(r.trades[0]!.exitReason).toBe('stop-loss');
    expect(r.trades[0]!.exitIndex).toBe(3);
    expect(r.signals.at(-1)).toMatchObject({ i: 3, action: 'exit', reason: 'stop-loss' });
  });

  it('takes profit at the first close at or above entry x (1 + take)', () => {
    const r = run({ takeProfit: 0.2 });
    expect(r.trades[0]).toMatchObject({ exitReason: 'take-profit', exitIndex: 5 });
  });

  it('trails the highest close since entry', () => {
    const r = run({ trailing: 0.1 });
    // Highest close 130 at bar 6; 130 x 0.9 = 117 is first crossed at bar 8.
    expect(r.trades[0]).toMatchObject({ exitReason: 'trailing', exitIndex: 8 });
  });

  it('stays out of the way on a bar where the strategy sells', () => {
    const r = run({ stopLoss: 0.05 }, { 0: (c) => c.buy(), 3: (c) => c.exit() });
    expect(r.signals.filter((s) => s.reason === 'stop-loss')).toHaveLength(0);
    expect(r.trades[0]).toMatchObject({ exitReason: 'signal', exitIndex: 3 });
  });
});

describe('runBacktest: a strategy that throws', () => {
  const bars = randomWalkBars(300, mulberry32(3));

  it('stops at the bar where onBar threw, with results for the bars before', () => {
    const r = runBacktest(
      bars,
      scripted({
        10: (c) => c.buy(),
        120: (c) => c.exit(),
        150: () => {
          throw new Error('boom');
        },
      }),
      {},
      config(),
    );
    expect(r.error).toEqual({ i: 150, time: bars.time[150], message: 'boom' });
    expect(r.equity).toHaveLength(150);
    expect(r.time).toHaveLength(150);
    expect(r.metrics.bars).toBe(150);
    expect(r.fills).toHaveLength(2);
  });

  it('undoes the fills of the bar it threw on (onFill throwing at the next open)', () => {
    const r = runBacktest(
      bars,
      scripted({ 20: (c) => c.buy() }, {}, () => {
        throw new Error('bad fill handler');
      }),
      {},
      config({ execution: 'next-open' }),
    );
    expect(r.error).toMatchObject({ i: 21, message: 'bad fill handler' });
    expect(r.fills).toHaveLength(0);
    expect(r.position.every((p) => p === 0)).toBe(true);
    expect(r.metrics.final_equity).toBe(1000);
  });

  it('stops a bar with more than 1000 orders from onBar before any of them fills (close execution)', () => {
    const small = { kind: 'cash', amount: 0.5 } as const;
    const r = runBacktest(
      bars,
      scripted({
        10: (c) => c.buy(),
        20: (c) => c.exit(),
        30: (c) => {
          for (let k = 0; k < 1001; k++) c.buy(small);
        },
      }),
      {},
      config({ fee: 0.001 }),
    );
    expect(r.error?.i).toBe(30);
    expect(r.error?.message).toMatch(/more than 1000 orders on bar 30/);
    expect(r.error?.message).toMatch(/onBar/);
    expect(r.error?.message).not.toMatch(/onFill/);
    // Nothing of bar 30 is left: its fills, fees and signals are undone with it.
    expect(r.fills.map((f) => f.i)).toEqual([10, 20]);
    expect(r.signals.every((s) => s.i < 30)).toBe(true);
    expect(r.metrics.fees_paid).toBeCloseTo(r.fills[0]!.fee + r.fills[1]!.fee, 12);
    expect(r.metrics.final_equity).toBe(r.equity[29]);
    expect(r.trades).toHaveLength(1);
  });

  it('stops onFill placing an order on every fill, undoing the bar, and blames onFill', () => {
    const r = runBacktest(
      bars,
      scripted({ 10: (c) => c.buy({ kind: 'cash', amount: 1 }) }, {}, (_fill, c) =>
        c.buy({ kind: 'cash', amount: 0.1 }),
      ),
      {},
      config(),
    );
    expect(r.error?.i).toBe(10);
    expect(r.error?.message).toMatch(
      /more than 1000 orders on bar 10: does onFill place an order on every fill/,
    );
    expect(r.fills).toHaveLength(0);
    expect(r.metrics.final_equity).toBe(1000);
  });

  it('reports a throwing prepare at bar 0 with empty results', () => {
    const failing = {
      ...scripted({}),
      prepare: () => {
        throw new Error('no indicators');
      },
    };
    const r = runBacktest(bars, failing, {}, config());
    expect(r.error).toMatchObject({ i: 0, message: 'no indicators' });
    expect(r.equity).toHaveLength(0);
    expect(r.metrics.final_equity).toBe(1000);
  });

  it("rejects a bad size given to buy() as the strategy's error", () => {
    const r = runBacktest(
      bars,
      scripted({ 5: (c) => c.buy({ kind: 'equity-fraction', fraction: 2 }) }),
      {},
      config(),
    );
    expect(r.error?.i).toBe(5);
    expect(r.error?.message).toMatch(/equity fraction must be above 0 and at most 1, got 2/);
  });
});

describe('runBacktest: progress and cancellation', () => {
  const n = PROGRESS_EVERY * 2 + 10;
  const bars = closeOnlyBars(Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 50)));

  it('reports progress every PROGRESS_EVERY bars and at the end', () => {
    const seen: number[] = [];
    runBacktest(bars, scripted({}), {}, config(), { onProgress: (done, total) => seen.push(done, total) });
    expect(seen).toEqual([PROGRESS_EVERY, n, 2 * PROGRESS_EVERY, n, n, n]);
  });

  it('throws a CancelledError when shouldStop says so', () => {
    let checks = 0;
    expect(() => runBacktest(bars, scripted({}), {}, config(), { shouldStop: () => ++checks >= 2 })).toThrow(
      CancelledError,
    );
    expect(checks).toBe(2);
  });
});

describe('runBacktest: bad input', () => {
  const bars = closeOnlyBars([1, 2, 3]);
  const cases: [string, Partial<BacktestConfig>][] = [
    ['config.capital', { capital: 0 }],
    ['config.capital', { capital: Infinity }],
    ['config.fee', { fee: -0.001 }],
    ['config.fee', { fee: 0.1 }],
    ['config.slippage.bps', { slippage: { model: 'bps', bps: -1 } }],
    ['config.slippage.impact', { slippage: { model: 'volume', impact: NaN, fallbackBps: 1 } }],
    ['config.execution', { execution: 'vwap' as never }],
    ['config.periodsPerYear', { periodsPerYear: 0 }],
  ];
  it.each(cases)('names %s', (field, over) => {
    try {
      runBacktest(bars, scripted({}), {}, config(over));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ResearchInputError);
      expect((e as ResearchInputError).field).toBe(field);
    }
  });

  it('refuses bars out of order or with a bad close', () => {
    const unordered = { ...bars, time: Float64Array.of(3, 2, 1) };
    expect(() => runBacktest(unordered, scripted({}), {}, config())).toThrow(/bar 1 has time 2, not after/);
    const zero = { ...bars, close: Float64Array.of(1, 0, 3) };
    expect(() => runBacktest(zero, scripted({}), {}, config())).toThrow(/bar 1 has close 0/);
  });
});

describe('runBacktest: overlays', () => {
  it('returns the prepared strategy overlays only when asked', () => {
    const bars = randomWalkBars(100, mulberry32(9));
    const params = { fast: 5, slow: 20 };
    expect(runBacktest(bars, smaCross, params, config()).overlays).toBeUndefined();
    const r = runBacktest(bars, smaCross, params, config(), { overlays: true });
    expect(Object.keys(r.overlays ?? {})).toEqual(['SMA 5', 'SMA 20']);
  });
});

describe('runBacktest: what it builds and what it reuses', () => {
  const walk = randomWalkBars(3000, mulberry32(21));
  const params = { fast: 5, slow: 20 };

  it('builds drawdown, position, signals, fills and trades when read, as the equity and the fills say', () => {
    const r = runBacktest(walk, smaCross, params, config({ fee: 0.001 }));
    const keys = Object.keys(r);
    expect(keys.slice(0, 8)).toEqual([
      'time',
      'equity',
      'drawdown',
      'position',
      'signals',
      'fills',
      'trades',
      'metrics',
    ]);
    let peak = -Infinity;
    r.equity.forEach((e, i) => {
      peak = Math.max(peak, e);
      expect(r.drawdown[i]).toBeCloseTo(1 - e / peak, 14);
    });
    expect(Math.max(...r.drawdown)).toBe(r.metrics.max_drawdown);
    // The position after each bar is what the fills up to it leave.
    let held = 0;
    let k = 0;
    for (let i = 0; i < r.equity.length; i++) {
      for (; k < r.fills.length && r.fills[k]!.i === i; k++)
        held = r.fills[k]!.side === 'buy' ? held + r.fills[k]!.units : 0;
      expect(r.position[i]).toBeCloseTo(held, 9);
    }
    expect(r.metrics.exposure).toBe(r.position.filter((u) => u > 0).length / r.position.length);
    expect(r.trades.length).toBe(r.metrics.trades);
    expect(r.signals.length).toBeGreaterThanOrEqual(r.fills.length);
    // Reading again gives the same objects, not new ones.
    expect(r.trades).toBe(r.trades);
  });

  it('writes the equity into a given array, with the same numbers as a new one', () => {
    const fresh = runBacktest(walk, smaCross, params, config());
    const into = new Float64Array(walk.time.length + 10).fill(-1);
    const r = runBacktest(walk, smaCross, params, config(), { equityInto: into });
    expect(r.equity.buffer).toBe(into.buffer);
    expect(Array.from(r.equity)).toEqual(Array.from(fresh.equity));
    expect(r.metrics).toEqual(fresh.metrics);
    expect(() => runBacktest(walk, smaCross, params, config(), { equityInto: new Float64Array(5) })).toThrow(
      /room for 3000 bars/,
    );
  });

  it("shares the bars' time column, and copies nothing else the caller gave", () => {
    const r = runBacktest(walk, smaCross, params, config());
    expect(r.time).toBe(walk.time);
    expect(r.equity.buffer).not.toBe(walk.close.buffer);
  });

  it('gives the prepared strategy back its memory once the run is over, also when it throws', () => {
    let disposed = 0;
    const withDispose = (plan: Record<number, (ctx: BarContext) => void>): Strategy => {
      const strategy = scripted(plan);
      return {
        ...strategy,
        prepare: (b, p) => ({ ...strategy.prepare(b, p), dispose: () => void disposed++ }),
      };
    };
    const throwing = withDispose({
      2: () => {
        throw new Error('boom');
      },
    });
    expect(runBacktest(walk, throwing, {}, config()).error?.i).toBe(2);
    expect(disposed).toBe(1);
    expect(() => runBacktest(walk, withDispose({}), {}, config(), { shouldStop: () => true })).toThrow(
      CancelledError,
    );
    expect(disposed).toBe(2);
  });

  it('draws the same averages it decides on: overlays equal sma of the close', () => {
    const r = runBacktest(walk, smaCross, params, config(), { overlays: true });
    const fast = r.overlays!['SMA 5']!;
    const slow = r.overlays!['SMA 20']!;
    // Long exactly on the bars after one where the fast average was above the slow one.
    for (const f of r.fills) expect(f.side === 'buy').toBe((fast[f.i] as number) > (slow[f.i] as number));
  });

  it('checks the same bars once, and again for what it has not checked (the opens for next-open)', () => {
    const rows: [number, number][] = [
      [10, 10],
      [11, 11],
      [12, 12],
    ];
    const b = ohlcBars(rows);
    runBacktest(b, scripted({}), {}, config());
    b.open[1] = Number.NaN;
    expect(() => runBacktest(b, scripted({}), {}, config({ execution: 'next-open' }))).toThrow(
      /bar 1 has open NaN/,
    );
    // A new column is checked again.
    const bad = { ...b, open: b.open.slice(), close: Float64Array.of(10, -1, 12) };
    expect(() => runBacktest(bad, scripted({}), {}, config())).toThrow(/bar 1 has close -1/);
  });
});
