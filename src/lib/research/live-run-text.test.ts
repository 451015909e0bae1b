import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Signal, SignalAction, StrategyComparison, StrategyInfo } from '$workers/api';
import { comparisonRows, signalText, strategyText } from './live-run-text';

const signalArb: fc.Arbitrary<Signal> = fc
  .record({
    i: fc.nat(200),
    action: fc.constantFrom<SignalAction>('buy', 'sell', 'exit'),
    reason: fc.constantFrom('signal' as const, 'stop-loss' as const),
    units: fc.constant(Number.NaN),
  })
  .map((s) => ({ ...s, time: 1_700_000_000_000 + s.i * 60_000 }));

function comparison(
  live: Signal[],
  backtest: Signal[],
  differences: StrategyComparison['differences'] = [],
): StrategyComparison {
  return {
    runId: 'r',
    bars: 200,
    live: { signals: live, trades: [] },
    backtest: { signals: backtest, trades: [] },
    differences,
  };
}

describe('live runs compared with the backtest', () => {
  it('shows no difference when both sides made the same signals', () => {
    fc.assert(
      fc.property(fc.uniqueArray(signalArb, { selector: (s) => s.time, maxLength: 20 }), (signals) => {
        const rows = comparisonRows(comparison(signals, [...signals]));
        expect(rows).toHaveLength(signals.length);
        expect(rows.every((r) => !r.differs && r.live === r.backtest)).toBe(true);
        expect(rows.map((r) => r.time)).toEqual([...signals.map((s) => s.time)].sort((a, b) => a - b));
      }),
    );
  });

  it('flags exactly the bars where one side acted and the other did not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(signalArb, { selector: (s) => s.time, minLength: 1, maxLength: 20 }),
        fc.nat(),
        (signals, pick) => {
          const dropped = signals[pick % signals.length] as Signal;
          const rows = comparisonRows(
            comparison(
              signals,
              signals.filter((s) => s !== dropped),
            ),
          );
          const flagged = rows.filter((r) => r.differs);
          expect(flagged).toEqual([
            { time: dropped.time, live: signalText(dropped), backtest: null, differs: true },
          ]);
        },
      ),
    );
  });

  it('keeps a difference the engine listed even without signals on that bar', () => {
    const rows = comparisonRows(comparison([], [], [{ time: 5, live: 'buy 0.01', backtest: 'buy 0.02' }]));
    expect(rows).toEqual([{ time: 5, live: 'buy 0.01', backtest: 'buy 0.02', differs: true }]);
  });

  it('describes a strategy by name and params, or by its rule set name', () => {
    const info: StrategyInfo[] = [
      {
        id: 'sma-cross',
        name: 'SMA crossover',
        description: '',
        params: [
          { name: 'fast', label: 'Fast', default: 10, min: 2, max: 100, step: 1, integer: true },
          { name: 'slow', label: 'Slow', default: 50, min: 3, max: 400, step: 1, integer: true },
        ],
      },
    ];
    expect(strategyText({ kind: 'builtin', id: 'sma-cross', params: { fast: 10, slow: 50 } }, info)).toBe(
      'SMA crossover: fast 10, slow 50',
    );
    expect(strategyText({ kind: 'builtin', id: 'other', params: {} }, info)).toBe('other');
    expect(signalText({ action: 'exit', reason: 'stop-loss' })).toBe('exit (stop-loss)');
  });
});
