import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest/engine.js';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import type { BacktestConfig, Strategy } from '../backtest/types.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { lookaheadCheck } from './lookahead.js';
import { closeConfig, daxBars, walkBars } from './test-support.js';

const nextOpen: BacktestConfig = { ...closeConfig, execution: 'next-open' };

function cheater(id: string, prepare: Strategy['prepare']): Strategy {
  return {
    id,
    name: id,
    description: 'reads a bar it has not seen yet',
    params: [],
    warmup: () => 0,
    defaultSize: { kind: 'equity-fraction', fraction: 1 },
    exits: { stopLoss: null, takeProfit: null, trailing: null },
    prepare,
  };
}

/** Computes "tomorrow's close is higher" for every bar in prepare: vectorised lookahead. */
const peeksInPrepare = cheater('peeks-in-prepare', (bars) => {
  const n = bars.close.length;
  const up = new Uint8Array(n);
  for (let i = 0; i < n - 1; i++) up[i] = (bars.close[i + 1] as number) > (bars.close[i] as number) ? 1 : 0;
  return {
    onBar(ctx) {
      if (up[ctx.i] === 1) {
        if (ctx.position === 0) ctx.buy();
      } else if (ctx.position > 0) ctx.exit();
    },
  };
});

/** Reads close[i + 1] in onBar. */
const peeksInOnBar = cheater('peeks-in-onbar', (bars) => ({
  onBar(ctx) {
    const next = bars.close[ctx.i + 1];
    if (next !== undefined && next > (bars.close[ctx.i] as number)) {
      if (ctx.position === 0) ctx.buy();
    } else if (ctx.position > 0) ctx.exit();
  },
}));

describe('lookaheadCheck', () => {
  const dax = daxBars();

  it.each([peeksInPrepare, peeksInOnBar])('catches $id', (strategy) => {
    const seen: [number, number][] = [];
    const result = lookaheadCheck(dax, strategy, {}, closeConfig, {
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(20);
    expect(result.mismatches.length).toBeGreaterThan(0);
    for (const m of result.mismatches) {
      expect(m.time).toBe(dax.time[m.i]);
      expect(m.full).not.toBe(m.truncated);
    }
    expect(seen[seen.length - 1]).toEqual([21, 21]);
  });

  it('catches it with next-open execution too', () => {
    expect(lookaheadCheck(walkBars(3000, 5), peeksInOnBar, {}, nextOpen).ok).toBe(false);
  });

  const honest: [string, StrategySpec][] = [
    ['sma-cross', { kind: 'builtin', id: 'sma-cross', params: { fast: 5, slow: 20 } }],
    ['rsi-reversion', { kind: 'builtin', id: 'rsi-reversion', params: {} }],
    ['donchian-breakout', { kind: 'builtin', id: 'donchian-breakout', params: { entry: 10, exit: 5 } }],
    [
      'sma-cross with stop-loss and trailing exits',
      {
        kind: 'builtin',
        id: 'sma-cross',
        params: { fast: 5, slow: 20 },
        exits: { stopLoss: 0.02, trailing: 0.04 },
      },
    ],
    [
      'a rule set (RSI below 35 in, above 60 out)',
      {
        kind: 'rules',
        rules: {
          name: 'rsi rules',
          entry: {
            join: 'and',
            items: [
              {
                left: { kind: 'indicator', name: 'rsi', params: { period: 10 } },
                op: '<',
                right: { kind: 'value', value: 35 },
              },
            ],
          },
          exit: {
            join: 'or',
            items: [
              {
                left: { kind: 'indicator', name: 'rsi', params: { period: 10 } },
                op: 'crosses-above',
                right: { kind: 'value', value: 60 },
              },
            ],
          },
          exits: { stopLoss: null, takeProfit: null, trailing: null },
          size: { kind: 'equity-fraction', fraction: 0.5 },
        },
      },
    ],
  ];

  it.each(honest)('passes %s on the DAX and on a random walk with next-open fills', (_, spec) => {
    const { strategy, params } = resolveStrategy(spec);
    const onDax = lookaheadCheck(dax, strategy, params, closeConfig, { checkpoints: 30 });
    expect(onDax.mismatches).toEqual([]);
    expect(onDax.ok).toBe(true);
    expect(onDax.checked).toBe(30);
    const onWalk = lookaheadCheck(walkBars(2000, 9), strategy, params, nextOpen);
    expect(onWalk.ok).toBe(true);
  });

  it('passes an honest strategy that orders from onFill with next-open fills', () => {
    // Buys on every third bar when flat, sells half of each buy as soon as it fills, exits two bars
    // later: reads nothing past ctx.i. Its onFill orders are recorded at the bar it last saw, t, but
    // only happen when bar t's order fills at open[t + 1], which a run cut off at t never reaches.
    const scalesOut: Strategy = {
      ...cheater('scales-out-on-fill', () => ({
        onBar(ctx) {
          if (ctx.position === 0 && ctx.i % 3 === 0) ctx.buy();
          else if (ctx.position > 0 && ctx.barsInPosition >= 2) ctx.exit();
        },
        onFill(fill, ctx) {
          if (fill.side === 'buy') ctx.sell(fill.units / 2);
        },
      })),
      description: 'honest: orders from onFill',
    };
    // 298 checkpoints over 300 bars: every bar after the first is a truncation point.
    const bars = walkBars(300, 3);
    const result = lookaheadCheck(bars, scalesOut, {}, nextOpen, { checkpoints: 298 });
    expect(result.checked).toBe(298);
    expect(result.mismatches).toEqual([]);
    expect(result.ok).toBe(true);
    // The same strategy does trade from onFill: half of every buy is sold at the same open.
    const full = runBacktest(bars, scalesOut, {}, nextOpen);
    const sells = full.fills.filter(
      (f) => f.side === 'sell' && full.fills.some((b) => b.side === 'buy' && b.i === f.i),
    );
    expect(sells.length).toBeGreaterThan(20);
  });

  it('still catches a strategy whose onFill reads the future with next-open fills', () => {
    const peeksOnFill = cheater('peeks-on-fill', (bars) => ({
      onBar(ctx) {
        if (ctx.position === 0 && ctx.i % 3 === 0) ctx.buy();
        else if (ctx.position > 0 && ctx.barsInPosition >= 2) ctx.exit();
      },
      onFill(fill, ctx) {
        // The close two bars after the one the strategy last saw.
        const later = bars.close[ctx.i + 2];
        if (fill.side === 'buy' && later !== undefined && later < (bars.close[ctx.i] as number)) ctx.exit();
      },
    }));
    expect(lookaheadCheck(walkBars(300, 3), peeksOnFill, {}, nextOpen, { checkpoints: 298 }).ok).toBe(false);
  });

  it('refuses bars too short for the warm-up and a bad number of checkpoints', () => {
    const { strategy, params } = resolveStrategy({ kind: 'builtin', id: 'sma-cross', params: {} });
    const short = walkBars(2, 1);
    expect(() => lookaheadCheck(short, strategy, params, closeConfig)).toThrow(ResearchInputError);
    expect(() => lookaheadCheck(dax, strategy, params, closeConfig, { checkpoints: 0 })).toThrow('1 to 1000');
  });

  it('stops when asked', () => {
    const { strategy, params } = resolveStrategy({ kind: 'builtin', id: 'sma-cross', params: {} });
    let calls = 0;
    expect(() =>
      lookaheadCheck(dax, strategy, params, closeConfig, { shouldStop: () => ++calls > 2 }),
    ).toThrow(CancelledError);
  });
});
