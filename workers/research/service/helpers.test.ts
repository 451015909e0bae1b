import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ResearchInputError } from '../backtest/errors.js';
import { EngineFailure } from '../../shared/errors.js';
import { barRange } from './bar-range.js';
import { researchError } from './research-errors.js';
import { transferablesOf } from './transferables.js';

describe('bar range', () => {
  const time = Float64Array.from([10, 20, 30, 40, 50]);
  const fails = (from: number | null, to: number | null) => {
    try {
      barRange(time, from, to);
    } catch (e) {
      return researchError(e);
    }
    throw new Error('expected a refusal');
  };

  it('includes both ends, and gives null for the whole series', () => {
    expect(barRange(time, 20, 40)).toEqual({ from: 1, to: 4 });
    expect(barRange(time, 15, 45)).toEqual({ from: 1, to: 4 });
    expect(barRange(time, null, 30)).toEqual({ from: 0, to: 3 });
    expect(barRange(time, 30, undefined)).toEqual({ from: 2, to: 5 });
    expect(barRange(time, null, null)).toBeNull();
    expect(barRange(time, 0, 100)).toBeNull();
  });

  it('matches a plain filter of the times for any range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const inside = [...time].map((t, i) => [t, i] as const).filter(([t]) => t >= from && t <= to);
        if (inside.length === 0) {
          expect(fails(from, to).code).toBe('invalid');
        } else {
          const range = barRange(time, from, to) ?? { from: 0, to: time.length };
          expect(range).toEqual({ from: inside[0]![1], to: inside.at(-1)![1] + 1 });
        }
      }),
    );
  });

  it('refuses reversed, empty and non-numeric ranges with the field to fix', () => {
    expect(fails(40, 20)).toMatchObject({ code: 'invalid', details: { field: 'to' } });
    expect(fails(51, null)).toMatchObject({ code: 'invalid', details: { field: 'from' } });
    expect(fails(null, 5)).toMatchObject({ code: 'invalid', details: { field: 'to' } });
    expect(fails(Number.NaN, null)).toMatchObject({ code: 'invalid', details: { field: 'from' } });
  });
});

describe('research errors', () => {
  it('bad input is invalid with its field, also after losing its class in a worker', () => {
    const local = researchError(new ResearchInputError('config.fee', 'fee must be below 0.1'));
    expect(local).toEqual({
      code: 'invalid',
      message: 'Fee must be below 0.1',
      retryable: false,
      details: { field: 'config.fee' },
    });
    const remote = Object.assign(new Error('fee must be below 0.1'), {
      name: 'ResearchInputError',
      field: 'config.fee',
    });
    expect(researchError(remote)).toEqual(local);
  });

  it('capitalises a plain first word but keeps an identifier as written', () => {
    const id = researchError(new ResearchInputError('params.fast', 'sma-cross fast must be 1 to 500'));
    expect(id.message).toBe('sma-cross fast must be 1 to 500');
    expect(researchError(new ResearchInputError('runs', 'runs: at most 100,000')).message).toBe(
      'Runs: at most 100,000',
    );
  });

  it('passes EngineErrors through and reports anything else as internal', () => {
    const error = { code: 'not-found', message: 'gone', retryable: false };
    expect(researchError(new EngineFailure(error))).toBe(error);
    expect(researchError(error)).toBe(error);
    expect(researchError(new TypeError('x is undefined'))).toMatchObject({
      code: 'internal',
      retryable: false,
    });
  });
});

describe('transferables', () => {
  it('lists each typed array buffer once, nested in objects and arrays', () => {
    const shared = new Float64Array(4);
    const other = new Float64Array(2);
    const value = {
      result: { equity: shared, drawdown: shared.subarray(1), trades: [{ pnl: 1 }] },
      overlays: { fast: other },
      windows: [{ x: new Float64Array(1) }, { x: new Float64Array(1) }],
    };
    const buffers = transferablesOf(value);
    expect(buffers).toHaveLength(4);
    expect(buffers).toContain(shared.buffer);
    expect(buffers).toContain(other.buffer);
  });

  it('finds nothing in plain data', () => {
    expect(transferablesOf({ cells: [{ params: { fast: 1 } }], best: 0 })).toEqual([]);
    expect(transferablesOf(null)).toEqual([]);
  });
});
