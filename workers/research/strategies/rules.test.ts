import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/random.js';
import { runBacktest } from '../backtest/engine.js';
import { closeOnlyBars, randomWalkBars } from '../backtest/test-support/bars.js';
import type { BacktestConfig } from '../backtest/types.js';
import { compileRuleSet, validateRuleSet } from './rules.js';
import { smaCross } from './sma-cross.js';
import type { Comparison, Condition, ConditionGroup, Operand, RuleSet } from './spec.js';

const config: BacktestConfig = {
  capital: 1000,
  fee: 0.001,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: null,
};
const sma = (period: number): Operand => ({ kind: 'indicator', name: 'sma', params: { period } });
const close: Operand = { kind: 'price', field: 'close' };
const value = (v: number): Operand => ({ kind: 'value', value: v });
const all = (...items: (Condition | ConditionGroup)[]): ConditionGroup => ({ join: 'and', items });
const any = (...items: (Condition | ConditionGroup)[]): ConditionGroup => ({ join: 'or', items });

function ruleSet(entry: ConditionGroup, exit: ConditionGroup = all()): RuleSet {
  return {
    name: 'test',
    entry,
    exit,
    exits: { stopLoss: null, takeProfit: null, trailing: null },
    size: { kind: 'equity-fraction', fraction: 1 },
  };
}

/** Bars where the rule set would enter, on closes given by hand (exit never holds, so each entry is the first). */
function entryBars(closes: number[], entry: ConditionGroup): number[] {
  const s = compileRuleSet(ruleSet(entry));
  const bars = closeOnlyBars(closes);
  const prepared = s.prepare(bars, {});
  const hits: number[] = [];
  // Drive onBar directly, always flat, to see every bar the entry holds on.
  for (let i = 0; i < closes.length; i++)
    prepared.onBar({
      i,
      bars,
      params: {},
      position: 0,
      cash: 1,
      equity: 1,
      entryPrice: NaN,
      barsInPosition: -1,
      buy: () => hits.push(i),
      sell: () => {},
      exit: () => {},
    });
  return hits;
}

describe('compileRuleSet', () => {
  it('equals the built-in sma-cross given the same rule as conditions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom<BacktestConfig['execution']>('close', 'next-open'),
        (seed, fast, extra, execution) => {
          const slow = fast + extra;
          const bars = randomWalkBars(600, mulberry32(seed));
          const rules = ruleSet(
            all({ left: sma(fast), op: '>', right: sma(slow) }),
            all({ left: sma(fast), op: '<=', right: sma(slow) }),
          );
          const a = runBacktest(bars, smaCross, { fast, slow }, { ...config, execution });
          const b = runBacktest(bars, compileRuleSet(rules), {}, { ...config, execution });
          expect(b.signals).toEqual(a.signals);
          expect(b.equity).toEqual(a.equity);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('crosses above when the left side goes from at or below to above', () => {
    const closes = [1, 3, 5, 5, 6, 4, 6, 5, 5, 6];
    expect(entryBars(closes, all({ left: close, op: 'crosses-above', right: value(5) }))).toEqual([4, 6, 9]);
    expect(entryBars(closes, all({ left: close, op: 'crosses-below', right: value(5) }))).toEqual([5]);
    expect(entryBars(closes, all({ left: close, op: '>=', right: value(5) }))).toEqual([2, 3, 4, 6, 7, 8, 9]);
  });

  it('never crosses on the first bar or next to an undefined value', () => {
    // SMA 3 is defined from bar 2: bar 2 cannot cross (bar 1 is NaN), bar 3 can.
    const closes = [10, 10, 1, 9, 9, 9];
    expect(entryBars(closes, all({ left: close, op: 'crosses-above', right: sma(3) }))).toEqual([3]);
    expect(entryBars([9, 1, 9], all({ left: close, op: 'crosses-above', right: value(0) }))).toEqual([]);
    expect(entryBars([1, 2, 3], all({ left: sma(5), op: '<', right: value(100) }))).toEqual([]);
  });

  it('joins conditions with and/or, nested', () => {
    const closes = [1, 2, 3, 4, 5, 6, 7, 8];
    const group = any(
      all({ left: close, op: '>', right: value(2) }, { left: close, op: '<', right: value(5) }),
      { left: close, op: '>=', right: value(8) },
    );
    expect(entryBars(closes, group)).toEqual([2, 3, 7]);
  });

  it('applies the rule set size and exit rules', () => {
    const bars = closeOnlyBars([100, 101, 102, 90, 95, 96]);
    const rules: RuleSet = {
      ...ruleSet(all({ left: close, op: '>', right: value(0) })),
      exits: { stopLoss: 0.05, takeProfit: null, trailing: null },
      size: { kind: 'equity-fraction', fraction: 0.25 },
    };
    const r = runBacktest(bars, compileRuleSet(rules), {}, { ...config, fee: 0 });
    expect(r.fills[0]!.units * 100).toBeCloseTo(250, 9);
    expect(r.trades[0]).toMatchObject({ exitReason: 'stop-loss', exitIndex: 3 });
  });

  it('states its warm-up: the latest first value, one more for a cross', () => {
    expect(compileRuleSet(ruleSet(all({ left: sma(10), op: '>', right: sma(50) }))).warmup({})).toBe(49);
    expect(
      compileRuleSet(ruleSet(all({ left: sma(10), op: 'crosses-above', right: sma(50) }))).warmup({}),
    ).toBe(50);
    const macd: Operand = { kind: 'indicator', name: 'macd', params: {}, output: 'signal' };
    expect(compileRuleSet(ruleSet(all({ left: macd, op: '>', right: value(0) }))).warmup({})).toBe(33);
  });

  it('draws overlay indicators only, once each', () => {
    const rsi: Operand = { kind: 'indicator', name: 'rsi', params: { period: 14 } };
    const rules = ruleSet(
      all({ left: sma(5), op: '>', right: sma(20) }, { left: rsi, op: '<', right: value(70) }),
      all({ left: sma(5), op: '<', right: sma(20) }),
    );
    const prepared = compileRuleSet(rules).prepare(randomWalkBars(50, mulberry32(1)), {});
    expect(Object.keys(prepared.overlays ?? {}).sort()).toEqual(['sma(period=20)', 'sma(period=5)']);
  });
});

describe('validateRuleSet', () => {
  const good = ruleSet(all({ left: sma(10), op: '>', right: sma(50) }));

  it('accepts a valid rule set', () => {
    expect(validateRuleSet(good)).toEqual([]);
  });

  const cases: [string, RuleSet, string, RegExp][] = [
    ['an empty entry group', ruleSet(all()), 'entry.items', /entry group has no conditions/],
    [
      'an unknown indicator',
      ruleSet(all({ left: { kind: 'indicator', name: 'magic', params: {} }, op: '>', right: value(1) })),
      'entry.items[0].left.name',
      /unknown indicator "magic"/,
    ],
    [
      'a bad param',
      ruleSet(all({ left: sma(0), op: '>', right: value(1) })),
      'entry.items[0].left.params',
      /period/,
    ],
    [
      'a missing output',
      ruleSet(all({ left: { kind: 'indicator', name: 'macd', params: {} }, op: '>', right: value(0) })),
      'entry.items[0].left.output',
      /choose one of macd, signal, hist/,
    ],
    [
      'a non-finite value',
      ruleSet(all({ left: close, op: '>', right: value(Infinity) })),
      'entry.items[0].right.value',
      /finite/,
    ],
    [
      'an unknown comparison',
      ruleSet(all({ left: close, op: '=>' as Comparison, right: value(1) })),
      'entry.items[0].op',
      /unknown comparison/,
    ],
    [
      'an empty nested group',
      ruleSet(all({ left: close, op: '>', right: value(1) }, any())),
      'entry.items[1].items',
      /group has no conditions/,
    ],
    [
      'a stop-loss of 100 %',
      { ...good, exits: { ...good.exits, stopLoss: 1 } },
      'exits.stopLoss',
      /above 0 and below 1/,
    ],
    [
      'a negative trailing stop',
      { ...good, exits: { ...good.exits, trailing: -0.1 } },
      'exits.trailing',
      /above 0 and below 1/,
    ],
    [
      'a share of equity above 1',
      { ...good, size: { kind: 'equity-fraction', fraction: 1.5 } },
      'size.fraction',
      /at most 1/,
    ],
    ['a zero cash amount', { ...good, size: { kind: 'cash', amount: 0 } }, 'size.amount', /positive/],
  ];
  it.each(cases)('reports %s with where it is', (_, rules, path, message) => {
    const problems = validateRuleSet(rules);
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)!.message).toMatch(message);
  });

  it('allows an empty exit group', () => {
    expect(validateRuleSet(ruleSet(all({ left: close, op: '>', right: value(1) }), any()))).toEqual([]);
  });
});
