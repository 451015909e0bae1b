import { describe, expect, it } from 'vitest';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import { closeOnlyBars } from '../backtest/test-support/bars.js';
import type {
  BacktestConfig,
  BacktestMetrics,
  BarContext,
  Bars,
  Params,
  SimTrade,
  Strategy,
} from '../backtest/types.js';
import { sliceBars } from '../data/bars.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { sweepCells, withParams } from './sweep-cells.js';
import { planSweep } from './sweep-plan.js';
import { closeConfig, daxBars, walkBars } from './test-support.js';
import {
  inProcessEvaluator,
  oosPiece,
  walkForward,
  walkForwardWindows,
  type WalkForwardOptions,
} from './walk-forward.js';

const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
const plan = planSweep(spec, [
  { param: 'fast', values: [5, 10, 20] },
  { param: 'slow', values: [30, 60] },
]);

function options(over: Partial<WalkForwardOptions> = {}): WalkForwardOptions {
  return {
    strategy: spec,
    config: closeConfig,
    mode: 'rolling',
    inSample: 400,
    outOfSample: 200,
    combos: plan.combos,
    objective: 'sharpe',
    ...over,
  };
}

const run = (bars: Bars, o: WalkForwardOptions) =>
  walkForward(bars, o, inProcessEvaluator(o.strategy, o.config));

/** A copy of `bars` with every bar from `from` on moved up or down by 30 %, alternately. */
function scrambled(bars: Bars, from: number): Bars {
  const out = sliceBars(bars, 0, bars.time.length);
  for (let i = from; i < out.close.length; i++) {
    const v = out.close[i]! * (i % 2 === 0 ? 1.3 : 0.7);
    out.close[i] = out.open[i] = out.high[i] = out.low[i] = v;
  }
  return out;
}

/** The sum of the trades' PnL, from the metrics: expectancy is that sum over the count. */
const tradePnl = (m: BacktestMetrics) => (m.trades === 0 ? 0 : m.expectancy * m.trades);

/** A strategy that does what `script` says on the bars it names, and nothing else. */
function scripted(script: Record<number, (ctx: BarContext) => void>): Strategy {
  return {
    id: 'scripted',
    name: 'scripted',
    description: 'orders on given bars',
    params: [],
    warmup: () => 0,
    defaultSize: { kind: 'equity-fraction', fraction: 1 },
    exits: { stopLoss: null, takeProfit: null, trailing: null },
    prepare: () => ({ onBar: (ctx) => script[ctx.i]?.(ctx) }),
  };
}

describe('walkForwardWindows', () => {
  it('steps rolling windows by the out-of-sample length, full windows only', () => {
    expect(walkForwardWindows(1000, 'rolling', 400, 200)).toEqual([
      { isFrom: 0, isTo: 400, oosTo: 600 },
      { isFrom: 200, isTo: 600, oosTo: 800 },
      { isFrom: 400, isTo: 800, oosTo: 1000 },
    ]);
    expect(walkForwardWindows(999, 'rolling', 400, 200).length).toBe(2);
  });

  it('grows anchored windows from bar 0', () => {
    expect(walkForwardWindows(1000, 'anchored', 400, 300)).toEqual([
      { isFrom: 0, isTo: 400, oosTo: 700 },
      { isFrom: 0, isTo: 700, oosTo: 1000 },
    ]);
    expect(walkForwardWindows(999, 'anchored', 300, 350).map((w) => [w.isFrom, w.isTo, w.oosTo])).toEqual([
      [0, 300, 650],
    ]);
    expect(walkForwardWindows(1100, 'anchored', 300, 200).map((w) => [w.isFrom, w.isTo])).toEqual([
      [0, 300],
      [0, 500],
      [0, 700],
      [0, 900],
    ]);
  });
});

describe('walkForward', () => {
  const dax = daxBars();

  it.each(['rolling', 'anchored'] as const)(
    '%s: picks the in-sample best and reports only the out-of-sample bars, stitched',
    async (mode) => {
      const o = options({ mode });
      const result = await run(dax, o);
      const windows = walkForwardWindows(dax.time.length, mode, 400, 200);
      expect(result.windows.length).toBe(windows.length);
      expect(result.equity.length).toBe(1 + windows.length * 200);
      expect(result.equity[0]).toBe(closeConfig.capital);
      expect(result.time[0]).toBe(dax.time[399]);
      expect(result.time[result.time.length - 1]).toBe(dax.time[windows[windows.length - 1]!.oosTo - 1]);

      let start = closeConfig.capital;
      windows.forEach((w, k) => {
        // The best params on the in-sample bars alone, by an independent in-process sweep.
        const cells = sweepCells(sliceBars(dax, w.isFrom, w.isTo), spec, closeConfig, plan.combos);
        const sharpes = cells.map((c) => c.metrics.sharpe);
        const best = sharpes.indexOf(Math.max(...sharpes));
        const window = result.windows[k]!;
        expect(window.params).toEqual(plan.combos[best]);
        expect(window.inSampleScore).toBe(sharpes[best]);
        expect(window.inSample).toEqual({ from: dax.time[w.isFrom], to: dax.time[w.isTo - 1] });
        expect(window.outOfSample).toEqual({ from: dax.time[w.isTo], to: dax.time[w.oosTo - 1] });

        // The out-of-sample equity is the run over in-sample + out-of-sample bars, rescaled at the seam.
        const { strategy, params } = resolveStrategy(withParams(spec, window.params as Params));
        const full = runBacktest(sliceBars(dax, w.isFrom, w.oosTo), strategy, params, closeConfig);
        const anchor = w.isTo - w.isFrom - 1;
        for (let j = 0; j <= 200; j++) {
          const got = result.equity[k * 200 + j]!;
          const want = (start * full.equity[anchor + j]!) / full.equity[anchor]!;
          expect(Math.abs(got - want) / want).toBeLessThan(1e-12);
        }
        expect(window.metrics.start_equity).toBe(start);
        expect(window.metrics.total_return).toBeCloseTo(
          full.equity[anchor + 200]! / full.equity[anchor]! - 1,
          12,
        );
        start = result.equity[(k + 1) * 200]!;
      });
      // The stitched metrics compound the windows' returns.
      const product = result.windows.reduce((p, w) => p * (1 + w.metrics.total_return), 1);
      expect(result.metrics.total_return).toBeCloseTo(product - 1, 12);
      expect(result.metrics.bars).toBe(result.equity.length);
      expect(Math.max(...result.drawdown)).toBeCloseTo(result.metrics.max_drawdown, 15);
    },
  );

  it('never lets a window see bars after its out-of-sample end', async () => {
    const o = options();
    const a = await run(dax, o);
    // Scramble everything after the first window's out-of-sample end.
    const tampered = scrambled(dax, 600);
    const b = await run(tampered, o);
    expect(b.windows[0]).toEqual(a.windows[0]);
    expect(b.equity.subarray(0, 201)).toEqual(a.equity.subarray(0, 201));
    expect(b.equity[400]).not.toBe(a.equity[400]);
  });

  it('chooses each window on its in-sample bars alone, blind to its out-of-sample bars', async () => {
    const o = options();
    const a = await run(dax, o);
    // Scramble window 0's out-of-sample bars [400, 600) and everything after: its choice must not move.
    const b = await run(scrambled(dax, 400), o);
    expect(b.windows[0]!.params).toEqual(a.windows[0]!.params);
    expect(b.windows[0]!.inSampleScore).toBe(a.windows[0]!.inSampleScore);
    // The out-of-sample run did see the scrambled bars.
    expect(b.windows[0]!.metrics.total_return).not.toBe(a.windows[0]!.metrics.total_return);
    // Same for window 1: in-sample [200, 600), out-of-sample [600, 800).
    const c = await run(scrambled(dax, 600), o);
    expect(c.windows[1]!.params).toEqual(a.windows[1]!.params);
    expect(c.windows[1]!.inSampleScore).toBe(a.windows[1]!.inSampleScore);
  });

  it('reports progress up to the total and stops when asked', async () => {
    const seen: number[] = [];
    const o = options();
    // (1860 - 400) / 200: 7 full out-of-sample windows, each a sweep plus one run.
    const total = walkForwardWindows(dax.time.length, 'rolling', 400, 200).length * (plan.combos.length + 1);
    expect(total).toBe(49);
    await walkForward(dax, o, inProcessEvaluator(spec, closeConfig), {
      onProgress: (done, all) => {
        expect(all).toBe(total);
        seen.push(done);
      },
    });
    expect(seen[seen.length - 1]).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    let calls = 0;
    await expect(
      walkForward(dax, o, inProcessEvaluator(spec, closeConfig), { shouldStop: () => ++calls > 3 }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses windows that cannot work, saying how to fix them', async () => {
    const fails = async (o: WalkForwardOptions, text: string, field: string) => {
      const error = await run(dax, o).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResearchInputError);
      expect((error as ResearchInputError).message).toContain(text);
      expect((error as ResearchInputError).field).toBe(field);
    };
    // slow 60 needs 59 bars of warm-up.
    await fails(options({ inSample: 60 }), 'use at least 61 bars', 'inSample');
    await fails(options({ inSample: 1500, outOfSample: 500 }), 'needs at least 2000 bars', 'outOfSample');
    await fails(options({ outOfSample: 0 }), 'at least 1', 'outOfSample');
    await fails(options({ inSample: 100.5 }), 'whole number', 'inSample');
    await fails(options({ combos: [] }), 'no combinations', 'axes');
  });
});

describe('walk-forward trades', () => {
  const dax = daxBars();
  const walk = walkBars(1500, 11);

  it.each([
    ['rolling', 'close', 0],
    ['anchored', 'close', 0],
    ['rolling', 'next-open', 0],
    ['rolling', 'close', 0.001],
    ['anchored', 'next-open', 0.002],
  ] as const)(
    '%s, %s execution, fee %s: the trades cover only out-of-sample bars, their PnL adds up to the equity change',
    async (mode, execution, fee) => {
      const bars = execution === 'close' ? dax : walk;
      const config: BacktestConfig = { ...closeConfig, fee, execution };
      const result = await run(bars, options({ mode, config }));
      let trades = 0;
      let fees = 0;
      for (const w of result.windows) {
        const m = w.metrics;
        // Trade PnL is net of the fees paid out of sample, as the equity is.
        expect(Math.abs(tradePnl(m) - (m.final_equity - m.start_equity))).toBeLessThan(1e-9 * m.start_equity);
        if (m.trades > 0) {
          expect(m.win_rate * m.trades).toBeCloseTo(Math.round(m.win_rate * m.trades), 9);
          expect(m.expectancy).toBeCloseTo((m.final_equity - m.start_equity) / m.trades, 6);
        }
        if (fee === 0) expect(m.fees_paid).toBe(0);
        trades += m.trades;
        fees += m.fees_paid;
      }
      const m = result.metrics;
      expect(m.trades).toBe(trades);
      expect(m.trades).toBeGreaterThan(result.windows.length);
      expect(m.fees_paid).toBeCloseTo(fees, 6);
      if (fee > 0) expect(m.fees_paid).toBeGreaterThan(0);
      const change = result.equity[result.equity.length - 1]! - result.equity[0]!;
      expect(m.final_equity - m.start_equity).toBeCloseTo(change, 6);
      expect(Math.abs(tradePnl(m) - change)).toBeLessThan(1e-9 * closeConfig.capital);
    },
  );

  // Closes 10, 10, 10, 20, 20, 25 (bar 5, the anchor), 25, 30, 40, 40, 50, 50.
  const bars = closeOnlyBars([10, 10, 10, 20, 20, 25, 25, 30, 40, 40, 50, 50]);
  const fee = 0.01;
  const config: BacktestConfig = { ...closeConfig, fee };
  const isLength = 6;

  it('starts a trade open at the anchor from the anchor close, counting only later fills and fees', () => {
    const result = runBacktest(
      bars,
      scripted({
        1: (ctx) => ctx.buy({ kind: 'cash', amount: 5000 }),
        4: (ctx) => ctx.buy({ kind: 'cash', amount: 1000 }),
        7: (ctx) => ctx.buy({ kind: 'cash', amount: 1000 }),
        8: (ctx) => ctx.sell(100),
        9: (ctx) => ctx.exit(),
        10: (ctx) => ctx.buy({ kind: 'cash', amount: 2000 }),
      }),
      {},
      config,
    );
    expect(result.error).toBeNull();
    const piece = oosPiece(result, bars.close, isLength, 100, 20_000);

    // By hand: held at the anchor (bar 5, close 25) are the units of the buys at 10 and 20.
    const held = 5000 / (10 * (1 + fee)) + 1000 / (20 * (1 + fee));
    const anchorEquity = 10_000 - 5000 - 1000 + held * 25;
    const scale = 20_000 / anchorEquity;
    const added = 1000 / (30 * (1 + fee));
    const units = held + added;
    const cost = held * 25 + 1000;
    const pnl = units * 40 * (1 - fee) - cost;
    const fees = added * 30 * fee + units * 40 * fee;
    expect(piece.trades.length).toBe(2);
    const [first, second] = piece.trades as [SimTrade, SimTrade];
    expect(first.entryIndex).toBe(105);
    expect(first.exitIndex).toBe(109);
    expect(first.entryTime).toBe(bars.time[5]);
    expect(first.exitTime).toBe(bars.time[9]);
    expect(first.bars).toBe(4);
    expect(first.exitReason).toBe('signal');
    expect(first.entryPrice).toBeCloseTo((held * 25 + added * 30) / units, 12);
    expect(first.exitPrice).toBeCloseTo(40, 12);
    expect(first.units).toBeCloseTo(units * scale, 9);
    expect(first.pnl).toBeCloseTo(pnl * scale, 9);
    expect(first.fees).toBeCloseTo(fees * scale, 9);
    expect(first.returnPct).toBeCloseTo(pnl / cost, 12);

    // The trade opened out of sample and still open at the end is the run's own, marked at the last close.
    const bought = 2000 / (50 * (1 + fee));
    expect(second.entryIndex).toBe(110);
    expect(second.exitIndex).toBe(111);
    expect(second.exitReason).toBe('end');
    expect(second.exitPrice).toBe(50);
    expect(second.pnl).toBeCloseTo((bought * 50 - 2000) * scale, 9);

    // The piece's trades account for all of its equity change and its fees.
    const change = piece.equity[piece.equity.length - 1]! - piece.equity[0]!;
    expect(piece.equity[0]).toBeCloseTo(20_000, 9);
    expect(first.pnl + second.pnl).toBeCloseTo(change, 9);
    expect(first.fees + second.fees).toBeCloseTo(piece.fees, 9);
  });

  it('leaves out a trade that closed at the anchor and the fee of a buy on the anchor bar', () => {
    const result = runBacktest(
      bars,
      scripted({
        1: (ctx) => ctx.buy(),
        5: (ctx) => {
          ctx.exit();
          ctx.buy({ kind: 'cash', amount: 5000 });
        },
      }),
      {},
      config,
    );
    expect(result.error).toBeNull();
    const piece = oosPiece(result, bars.close, isLength, 0, result.equity[5]!);
    const units = 5000 / (25 * (1 + fee));
    expect(piece.trades).toEqual([
      {
        entryIndex: 5,
        exitIndex: 11,
        entryTime: bars.time[5],
        exitTime: bars.time[11],
        entryPrice: 25,
        exitPrice: 50,
        units: expect.closeTo(units, 9) as number,
        pnl: expect.closeTo(units * (50 - 25), 9) as number,
        returnPct: expect.closeTo(1, 12) as number,
        fees: 0,
        bars: 6,
        exitReason: 'end',
      },
    ]);
    expect(piece.fees).toBe(0);
    expect(piece.equity[piece.equity.length - 1]! - piece.equity[0]!).toBeCloseTo(units * 25, 9);
  });
});
