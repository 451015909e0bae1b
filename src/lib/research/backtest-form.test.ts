import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '$workers/api';
import {
  CLOSE_ONLY_NEXT_OPEN,
  configFromForm,
  dateInputToMs,
  defaultCostsForm,
  defaultParamValues,
  fieldOfError,
  msToDateInput,
  paramsFromForm,
  rangeFromForm,
} from './backtest-form';

describe('costs and conventions form', () => {
  it('sends the fee typed as percent as a fraction, and every other field as typed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom<'close' | 'next-open'>('close', 'next-open'),
        (capital, feeThousandths, execution) => {
          const feePercent = String(feeThousandths / 100);
          const r = configFromForm(
            { ...defaultCostsForm(), capital: String(capital), feePercent, execution },
            false,
          );
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.config.capital).toBe(capital);
          expect(r.config.fee).toBeCloseTo(feeThousandths / 10_000, 15);
          expect(r.config.execution).toBe(execution);
          expect(r.config.periodsPerYear).toBeNull();
          expect(r.config.slippage).toEqual({ model: 'none' });
        },
      ),
    );
  });

  it('builds each slippage model and a fixed periods-per-year', () => {
    const bps = configFromForm({ ...defaultCostsForm(), slippage: 'bps', bps: '7.5' }, false);
    expect(bps.ok && bps.config.slippage).toEqual({ model: 'bps', bps: 7.5 });
    const vol = configFromForm(
      {
        ...defaultCostsForm(),
        slippage: 'volume',
        impact: '0.2',
        fallbackBps: '12',
        periodsPerYear: 'fixed',
        periodsPerYearValue: '365',
      },
      false,
    );
    expect(vol.ok && vol.config.slippage).toEqual({ model: 'volume', impact: 0.2, fallbackBps: 12 });
    expect(vol.ok && vol.config.periodsPerYear).toBe(365);
  });

  it('refuses the next open on close-only data, saying why, and accepts the close', () => {
    const r = configFromForm({ ...defaultCostsForm(), execution: 'next-open' }, true);
    expect(r).toEqual({ ok: false, errors: { execution: CLOSE_ONLY_NEXT_OPEN } });
    expect(configFromForm({ ...defaultCostsForm(), execution: 'close' }, true).ok).toBe(true);
  });

  it('says what is wrong with each bad field at once', () => {
    const r = configFromForm(
      {
        ...defaultCostsForm(),
        capital: '0',
        feePercent: '12',
        slippage: 'volume',
        impact: 'x',
        fallbackBps: '-1',
        periodsPerYear: 'fixed',
        periodsPerYearValue: '',
      },
      false,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual([
      'capital',
      'fallbackBps',
      'fee',
      'impact',
      'periodsPerYear',
    ]);
  });
});

describe('strategy params', () => {
  const specs: ParamSpec[] = [
    { name: 'fast', label: 'Fast period', default: 10, min: 2, max: 200, step: 1, integer: true },
    { name: 'k', label: 'Width', default: 2, min: 0.5, max: 4, step: 0.5, integer: false },
  ];

  it('starts from the defaults, and takes any value in range', () => {
    expect(paramsFromForm(defaultParamValues(specs), specs)).toEqual({
      ok: true,
      params: { fast: 10, k: 2 },
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        (fast, k) => {
          expect(paramsFromForm({ fast: String(fast), k: String(k) }, specs)).toEqual({
            ok: true,
            params: { fast, k },
          });
        },
      ),
    );
  });

  it('names the param and its allowed range when a value is outside it or not whole', () => {
    const r = paramsFromForm({ fast: '2.5', k: '9' }, specs);
    expect(r).toEqual({
      ok: false,
      errors: {
        fast: 'Fast period must be a whole number from 2 to 200.',
        k: 'Width must be a number from 0.5 to 4.',
      },
    });
  });
});

describe('date range', () => {
  const day = 86_400_000;
  it('reads real dates only, as UTC midnight, and writes them back', () => {
    expect(dateInputToMs('1991-07-01')).toBe(Date.UTC(1991, 6, 1));
    expect(dateInputToMs('2021-02-31')).toBeNull();
    expect(dateInputToMs('1/7/1991')).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (d) => {
        const ms = d * day;
        expect(dateInputToMs(msToDateInput(ms))).toBe(ms);
      }),
    );
  });

  it('covers whole days, both ends included, and checks the order and the dataset', () => {
    const ds = { first: Date.UTC(2020, 0, 1), last: Date.UTC(2020, 11, 31) };
    expect(rangeFromForm('2020-03-01', '2020-03-31', ds)).toEqual({
      ok: true,
      from: Date.UTC(2020, 2, 1),
      to: Date.UTC(2020, 2, 31) + day - 1,
    });
    expect(rangeFromForm('', '', ds)).toEqual({ ok: true, from: null, to: null });
    const reversed = rangeFromForm('2020-04-01', '2020-03-01', ds);
    expect(reversed.ok === false && reversed.errors.to).toBe('To must be on or after From.');
    const late = rangeFromForm('2021-01-05', '', ds);
    expect(late.ok === false && late.errors.from).toMatch(/after the last bar \(2020-12-31\)/);
  });
});

describe('engine field names', () => {
  it('maps the engine’s field paths to the form’s field', () => {
    expect(fieldOfError('config.fee')).toBe('fee');
    expect(fieldOfError('params.fast')).toBe('fast');
    expect(fieldOfError('strategy.params.slow')).toBe('slow');
    expect(fieldOfError('config.slippage.bps')).toBe('bps');
    expect(fieldOfError('capital')).toBe('capital');
    expect(fieldOfError(undefined)).toBeNull();
    expect(fieldOfError('')).toBeNull();
  });
});
