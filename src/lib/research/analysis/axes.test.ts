import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '$workers/api';
import {
  axisCount,
  axisValues,
  checkAxis,
  checkGrid,
  defaultAxes,
  defaultAxis,
  MAX_AXES,
  nextFreeParam,
  type AxisDraft,
} from './axes';

const fast: ParamSpec = {
  name: 'fast',
  label: 'Fast period',
  default: 10,
  min: 2,
  max: 200,
  step: 1,
  integer: true,
};
const slow: ParamSpec = {
  name: 'slow',
  label: 'Slow period',
  default: 50,
  min: 5,
  max: 400,
  step: 1,
  integer: true,
};
const band: ParamSpec = {
  name: 'band',
  label: 'Band',
  default: 0.5,
  min: 0,
  max: 1,
  step: 0.05,
  integer: false,
};
const specs = [fast, slow, band];

const draft = (param: string, from: string, to: string, step: string): AxisDraft => ({
  param,
  from,
  to,
  step,
});

describe('axis values', () => {
  it('counts from..to inclusive and tolerates float error at the end', () => {
    expect(axisCount(5, 30, 5)).toBe(6);
    expect(axisCount(0, 1, 0.1)).toBe(11);
    expect(axisCount(0.1, 0.3, 0.1)).toBe(3);
    expect(axisCount(5, 4, 1)).toBe(0);
    expect(axisCount(1, 5, 0)).toBe(0);
  });

  it('rounds values to the decimals typed, so 0.1 steps read cleanly', () => {
    expect(axisValues(0.1, 0.5, 0.1)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(axisValues(10, 50, 20)).toEqual([10, 30, 50]);
  });

  it('gives increasing values inside the range, a step apart, as many as counted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 3 }),
        (a, span, s, d) => {
          const scale = 10 ** d;
          const from = a / scale;
          const to = (a + span) / scale;
          const step = s / scale;
          const values = axisValues(from, to, step);
          expect(values.length).toBe(axisCount(from, to, step));
          expect(values[0]).toBe(from);
          for (let i = 0; i < values.length; i++) {
            const v = values[i] as number;
            expect(v).toBeGreaterThanOrEqual(from - 1e-9);
            expect(v).toBeLessThanOrEqual(to + 1e-9);
            if (i > 0) expect(v - (values[i - 1] as number)).toBeCloseTo(step, 9);
          }
          // The next value would pass the end.
          expect((values[values.length - 1] as number) + step).toBeGreaterThan(to + 1e-9);
        },
      ),
    );
  });
});

describe('prefilled axes', () => {
  it('spans half to twice the default, through it, with at most ten values on a multiple of the spec step', () => {
    for (const spec of specs) {
      const a = defaultAxis(spec);
      const c = checkAxis(a, specs);
      expect(c.ok).toBe(true);
      if (!c.ok) continue;
      expect(c.values.length).toBeLessThanOrEqual(10);
      expect(c.values.length).toBeGreaterThanOrEqual(2);
      expect(c.values).toContain(spec.default);
      const ratio = Number(a.step) / spec.step;
      expect(Math.abs(ratio - Math.round(ratio))).toBeLessThan(1e-9);
    }
    expect(defaultAxis(fast)).toEqual({ param: 'fast', from: '6', to: '20', step: '2' });
    expect(defaultAxis(slow)).toEqual({ param: 'slow', from: '30', to: '100', step: '10' });
  });

  it('keeps a narrow range at the spec step', () => {
    const small: ParamSpec = { ...fast, default: 4, min: 3, max: 7 };
    expect(defaultAxis(small)).toEqual({ param: 'fast', from: '3', to: '7', step: '1' });
  });

  it('uses the whole range when the default has no half (zero or below)', () => {
    const signed: ParamSpec = {
      name: 'z',
      label: 'Z',
      default: 0,
      min: -1,
      max: 1,
      step: 0.1,
      integer: false,
    };
    const c = checkAxis(defaultAxis(signed), [signed]);
    expect(c.ok && c.values[0]).toBe(-1);
    expect(c.ok && c.values[c.values.length - 1]).toBe(1);
    expect(c.ok && c.values).toContain(0);
  });

  it('is always valid and includes the default for any spec with a positive step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (min, span, step, at) => {
          const max = min + span;
          const def = min + Math.round((at * span) / step) * step;
          if (def > max) return;
          const spec: ParamSpec = { name: 'p', label: 'P', default: def, min, max, step, integer: true };
          const c = checkAxis(defaultAxis(spec), [spec]);
          expect(c.ok).toBe(true);
          if (!c.ok) return;
          expect(c.values.length).toBeLessThanOrEqual(10);
          expect(c.values).toContain(def);
        },
      ),
    );
  });

  it('starts with the first two params and offers the next unused one', () => {
    expect(defaultAxes(specs).map((a) => a.param)).toEqual(['fast', 'slow']);
    expect(defaultAxes([band]).map((a) => a.param)).toEqual(['band']);
    expect(nextFreeParam(specs, defaultAxes(specs))?.name).toBe('band');
    expect(nextFreeParam([fast], defaultAxes([fast]))).toBeNull();
  });
});

describe('checking an axis', () => {
  it('accepts a valid axis and returns its request form', () => {
    const c = checkAxis(draft('fast', '5', '30', '5'), specs);
    expect(c).toEqual({
      ok: true,
      axis: { param: 'fast', from: 5, to: 30, step: 5 },
      values: [5, 10, 15, 20, 25, 30],
    });
  });

  it.each([
    [draft('nope', '1', '2', '1'), 'param', /not a parameter/],
    [draft('fast', '', '30', '5'), 'from', /number to start/],
    [draft('fast', '5', 'abc', '5'), 'to', /number to end/],
    [draft('fast', '5', '30', '0'), 'step', /above 0/],
    [draft('fast', '1', '30', '1'), 'from', /from 2 to 200/],
    [draft('fast', '5', '300', '1'), 'to', /from 2 to 200/],
    [draft('fast', '30', '5', '1'), 'to', /swap/],
    [draft('fast', '5.5', '30', '1'), 'from', /whole numbers/],
    [draft('fast', '5', '30', '2.5'), 'step', /whole step/],
    [draft('band', '0', '1', '0.00001'), 'step', /larger step/],
  ] as const)('%o fails on %s', (d, field, message) => {
    const c = checkAxis(d, specs);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.field).toBe(field);
    expect(c.message).toMatch(message);
  });

  it('reads numbers the way the other backtest fields do (a decimal comma, a sign)', () => {
    const spec: ParamSpec = {
      name: 'x',
      label: 'X',
      default: 0,
      min: -10,
      max: 10,
      step: 0.5,
      integer: false,
    };
    const c = checkAxis(draft('x', '-1,5', '+1,5', '1,5'), [spec]);
    expect(c.ok && c.values).toEqual([-1.5, 0, 1.5]);
  });
});

describe('checking a grid', () => {
  it('multiplies the axes into the number of backtests', () => {
    const g = checkGrid([draft('fast', '5', '30', '5'), draft('slow', '20', '100', '10')], specs);
    expect(g.combinations).toBe(6 * 9);
    expect(g.axes).toEqual([
      { param: 'fast', from: 5, to: 30, step: 5 },
      { param: 'slow', from: 20, to: 100, step: 10 },
    ]);
    expect(g.message).toBeNull();
  });

  it('equals the product of the axis counts for any valid grid', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 2, max: 50 }),
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 1, max: 9 }),
          ),
          { minLength: 1, maxLength: 2 },
        ),
        (raw) => {
          const drafts = raw.map(([from, span, step], i) =>
            draft(i === 0 ? 'fast' : 'slow', String(from + 3), String(from + 3 + span), String(step)),
          );
          const g = checkGrid(drafts, specs);
          const expected = raw.reduce((p, [, span, step]) => p * (Math.floor(span / step) + 1), 1);
          expect(g.combinations).toBe(expected);
        },
      ),
    );
  });

  it('refuses a repeated param, no axes, too many axes, and waits on an invalid one', () => {
    expect(checkGrid([draft('fast', '5', '10', '1'), draft('fast', '5', '10', '1')], specs).message).toMatch(
      /two axes/,
    );
    expect(checkGrid([], specs).message).toMatch(/at least one/);
    const four = [...specs, { ...fast, name: 'x' }];
    const many = four.map((s) => draft(s.name, String(s.min), String(s.min), '1'));
    expect(many.length).toBeGreaterThan(MAX_AXES);
    expect(checkGrid(many, four).message).toMatch(/at most 3/);
    const bad = checkGrid([draft('fast', '5', '10', '1'), draft('slow', 'x', '10', '1')], specs);
    expect(bad.axes).toBeNull();
    expect(bad.combinations).toBeNull();
    expect(bad.checks[1]?.ok).toBe(false);
  });
});
