import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/random.js';
import { runBacktest } from './engine.js';
import { randomWalkBars } from './test-support/bars.js';
import type { BacktestConfig, BarContext, Execution, SizeRule, Slippage, Strategy } from './types.js';

/** What a random strategy may do at a bar's close. */
type Action =
  | { kind: 'none' }
  | { kind: 'buy'; size: SizeRule | null }
  | { kind: 'sell'; share: number }
  | { kind: 'exit' };

const sizeArb: fc.Arbitrary<SizeRule | null> = fc.oneof(
  fc.constant(null),
  fc.record({
    kind: fc.constant('equity-fraction' as const),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('cash' as const), amount: fc.double({ min: 1, max: 5000, noNaN: true }) }),
  fc.record({ kind: fc.constant('units' as const), amount: fc.double({ min: 0.01, max: 50, noNaN: true }) }),
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: sizeArb.map((size) => ({ kind: 'buy' as const, size })) },
  {
    weight: 1,
    arbitrary: fc
      .double({ min: 0.05, max: 1.5, noNaN: true })
      .map((share) => ({ kind: 'sell' as const, share })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'exit' as const }) },
);

const slippageArb: fc.Arbitrary<Slippage> = fc.oneof(
  fc.constant({ model: 'none' as const }),
  fc.record({ model: fc.constant('bps' as const), bps: fc.double({ min: 0, max: 100, noNaN: true }) }),
  fc.record({
    model: fc.constant('volume' as const),
    impact: fc.double({ min: 0, max: 2, noNaN: true }),
    fallbackBps: fc.double({ min: 0, max: 50, noNaN: true }),
  }),
);

const scenarioArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  actions: fc.array(actionArb, { minLength: 2, maxLength: 120 }),
  fee: fc.double({ min: 0, max: 0.01, noNaN: true }),
  slippage: slippageArb,
  execution: fc.constantFrom<Execution>('close', 'next-open'),
  capital: fc.double({ min: 10, max: 1e6, noNaN: true }),
  stopLoss: fc.option(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { nil: null }),
  trailing: fc.option(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { nil: null }),
});

interface Seen {
  i: number;
  cash: number;
  position: number;
  equity: number;
}

/** Plays the actions bar by bar and records what the strategy saw. */
function randomStrategy(actions: Action[], exits: Strategy['exits'], seen: Seen[]): Strategy {
  const act = (ctx: BarContext) => {
    seen.push({ i: ctx.i, cash: ctx.cash, position: ctx.position, equity: ctx.equity });
    const a = actions[ctx.i];
    if (!a || a.kind === 'none') return;
    if (a.kind === 'buy') ctx.buy(a.size ?? undefined);
    else if (a.kind === 'exit') ctx.exit();
    else if (ctx.position > 0) ctx.sell(ctx.position * a.share);
  };
  return {
    id: 'random',
    name: 'Random',
    description: 'plays a generated script',
    params: [],
    warmup: () => 0,
    defaultSize: { kind: 'equity-fraction', fraction: 1 },
    exits,
    prepare: () => ({ onBar: act }),
  };
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function run(s: Scenario, seen: Seen[] = []) {
  const bars = randomWalkBars(s.actions.length, mulberry32(s.seed));
  const config: BacktestConfig = {
    capital: s.capital,
    fee: s.fee,
    slippage: s.slippage,
    execution: s.execution,
    periodsPerYear: null,
  };
  const exits = { stopLoss: s.stopLoss, takeProfit: null, trailing: s.trailing };
  return { bars, result: runBacktest(bars, randomStrategy(s.actions, exits, seen), {}, config) };
}

describe('runBacktest properties', () => {
  it('never lets cash or the position go negative', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const seen: Seen[] = [];
        const { result } = run(s, seen);
        expect(result.error).toBeNull();
        for (const v of seen) {
          expect(v.cash).toBeGreaterThanOrEqual(0);
          expect(v.position).toBeGreaterThanOrEqual(0);
        }
        for (const p of result.position) expect(p).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('has equity = cash + position x close at every bar', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const seen: Seen[] = [];
        const { bars, result } = run(s, seen);
        for (const v of seen) expect(v.equity).toBe(v.cash + v.position * bars.close[v.i]!);
        // With close execution nothing happens between one bar's fills and the next bar's decision, so the
        // next bar's view of the account is the state the equity was computed from.
        if (s.execution === 'close')
          for (let k = 0; k + 1 < seen.length; k++) {
            const next = seen[k + 1]!;
            const i = seen[k]!.i;
            expect(result.position[i]).toBe(next.position);
            expect(result.equity[i]).toBe(next.cash + next.position * bars.close[i]!);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('reports fees paid equal to the sum of the fills fees', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { result } = run(s);
        let sum = 0;
        for (const f of result.fills) sum += f.fee;
        expect(result.metrics.fees_paid).toBe(sum);
        for (const f of result.fills) expect(f.fee).toBeCloseTo(s.fee * f.units * f.price, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('without fees or slippage, the trades PnL adds up to the change in equity', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { result } = run({ ...s, fee: 0, slippage: { model: 'none' } });
        const pnl = result.trades.reduce((a, t) => a + t.pnl, 0);
        const change = result.metrics.final_equity - s.capital;
        expect(Math.abs(pnl - change)).toBeLessThanOrEqual(1e-9 * s.capital);
      }),
      { numRuns: 300 },
    );
  });

  it('fills next-open orders at the next bar open, one bar after their signal', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { bars, result } = run({ ...s, execution: 'next-open', slippage: { model: 'none' } });
        for (const f of result.fills) expect(f.price).toBe(bars.open[f.i]);
        const signalBars = new Set(result.signals.map((x) => x.i));
        for (const f of result.fills) expect(signalBars.has(f.i - 1)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('buys and holds at the price ratio, less one fee on the way in and one on the way out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 3, max: 400 }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom<Execution>('close', 'next-open'),
        (seed, n, fee, bps, execution) => {
          const bars = randomWalkBars(n, mulberry32(seed));
          const hold: Strategy = {
            ...randomStrategy([], { stopLoss: null, takeProfit: null, trailing: null }, []),
            prepare: () => ({
              onBar: (ctx) => {
                if (ctx.i === 0) ctx.buy();
                if (ctx.i === n - 2) ctx.exit();
              },
            }),
          };
          const config: BacktestConfig = {
            capital: 1000,
            fee,
            slippage: { model: 'bps', bps },
            execution,
            periodsPerYear: null,
          };
          const r = runBacktest(bars, hold, {}, config);
          const slip = bps / 1e4;
          const [entry, exit] =
            execution === 'close' ? [bars.close[0]!, bars.close[n - 2]!] : [bars.open[1]!, bars.open[n - 1]!];
          const expected = ((exit * (1 - slip)) / (entry * (1 + slip))) * ((1 - fee) / (1 + fee));
          expect(r.metrics.final_equity / 1000 / expected - 1).toBeLessThan(1e-12);
          expect(r.metrics.final_equity / 1000 / expected - 1).toBeGreaterThan(-1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });
});
