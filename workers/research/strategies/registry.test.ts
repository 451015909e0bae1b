import { describe, expect, it } from 'vitest';
import { ResearchInputError } from '../backtest/errors.js';
import { resolveStrategy, strategyCatalogue } from './registry.js';
import type { StrategySpec } from './spec.js';

function fieldOf(spec: StrategySpec): { field: string; message: string } {
  try {
    resolveStrategy(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(ResearchInputError);
    return { field: (e as ResearchInputError).field, message: (e as Error).message };
  }
  throw new Error('expected the spec to be refused');
}

describe('strategy registry', () => {
  it('lists the built-ins with their params', () => {
    const list = strategyCatalogue();
    expect(list.map((s) => s.id)).toEqual(['sma-cross', 'rsi-reversion', 'donchian-breakout']);
    expect(list[0]!.params.map((p) => [p.name, p.default])).toEqual([
      ['fast', 10],
      ['slow', 50],
    ]);
    // Plain data: survives structured cloning to the UI.
    expect(structuredClone(list)).toEqual(list);
  });

  it('fills in defaults', () => {
    const { strategy, params } = resolveStrategy({
      kind: 'builtin',
      id: 'rsi-reversion',
      params: { lower: 25 },
    });
    expect(strategy.id).toBe('rsi-reversion');
    expect(params).toEqual({ period: 14, lower: 25, upper: 70 });
  });

  it('refuses unknown strategies and params, values out of range or not whole, and crossed params', () => {
    expect(fieldOf({ kind: 'builtin', id: 'nope', params: {} })).toMatchObject({
      field: 'strategy.id',
      message: expect.stringMatching(/choose one of sma-cross, rsi-reversion, donchian-breakout/),
    });
    expect(fieldOf({ kind: 'builtin', id: 'sma-cross', params: { period: 3 } })).toMatchObject({
      field: 'params.period',
      message: expect.stringMatching(/its params are fast, slow/),
    });
    expect(fieldOf({ kind: 'builtin', id: 'sma-cross', params: { fast: 0 } })).toMatchObject({
      field: 'params.fast',
      message: expect.stringMatching(/whole number from 1 to 500, got 0/),
    });
    expect(fieldOf({ kind: 'builtin', id: 'sma-cross', params: { slow: 20.5 } }).field).toBe('params.slow');
    expect(fieldOf({ kind: 'builtin', id: 'sma-cross', params: { fast: 60, slow: 50 } })).toMatchObject({
      field: 'params.fast',
      message: expect.stringMatching(/fast \(60\) must be shorter than slow \(50\)/),
    });
  });

  it('applies exits and size from the spec, checked', () => {
    const { strategy } = resolveStrategy({
      kind: 'builtin',
      id: 'sma-cross',
      params: {},
      exits: { stopLoss: 0.1 },
      size: { kind: 'cash', amount: 500 },
    });
    expect(strategy.exits).toEqual({ stopLoss: 0.1, takeProfit: null, trailing: null });
    expect(strategy.defaultSize).toEqual({ kind: 'cash', amount: 500 });
    expect(fieldOf({ kind: 'builtin', id: 'sma-cross', params: {}, exits: { trailing: 2 } }).field).toBe(
      'strategy.exits.trailing',
    );
  });

  it('compiles a valid rule set and refuses an invalid one at its first problem', () => {
    const rules = {
      name: 'Dip',
      entry: {
        join: 'and' as const,
        items: [
          {
            left: { kind: 'price' as const, field: 'close' as const },
            op: '<' as const,
            right: { kind: 'value' as const, value: 100 },
          },
        ],
      },
      exit: { join: 'and' as const, items: [] },
      exits: { stopLoss: null, takeProfit: 0.1, trailing: null },
      size: { kind: 'equity-fraction' as const, fraction: 1 },
    };
    const { strategy, params } = resolveStrategy({ kind: 'rules', rules });
    expect(strategy.name).toBe('Dip');
    expect(params).toEqual({});
    expect(fieldOf({ kind: 'rules', rules: { ...rules, entry: { join: 'and', items: [] } } })).toMatchObject({
      field: 'entry.items',
    });
  });
});
