import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRiskLimits, parseRiskLimitField, parseRiskLimits, type RiskLimits } from './limits.js';

const fields = Object.keys(defaultRiskLimits) as Array<keyof RiskLimits>;
const decimalFields: Array<keyof RiskLimits> = [
  'maxOrderNotional',
  'maxPositionNotional',
  'maxGrossExposure',
  'priceBandPct',
  'dailyLossLimit',
  'maxDrawdownPct',
];
const integerFields: Array<keyof RiskLimits> = [
  'maxOpenOrders',
  'maxConsecutiveLosses',
  'staleAfterMs',
  'coolDownMs',
];

function errorsOf(input: unknown) {
  const r = parseRiskLimits(input);
  if (r.ok) throw new Error(`expected a refusal of ${JSON.stringify(input)}`);
  return r.errors;
}

describe('parseRiskLimits', () => {
  it('has the documented safe defaults', () => {
    expect(defaultRiskLimits).toEqual({
      maxOrderNotional: '10000',
      maxPositionNotional: '25000',
      maxGrossExposure: '50000',
      priceBandPct: '5',
      maxOpenOrders: 50,
      dailyLossLimit: '1000',
      maxDrawdownPct: '20',
      maxConsecutiveLosses: 5,
      staleAfterMs: 10_000,
      coolDownMs: 60_000,
    });
    expect(parseRiskLimits(defaultRiskLimits)).toEqual({ ok: true, limits: defaultRiskLimits });
  });

  it('fills absent fields with the defaults, so older saved limits still load', () => {
    expect(parseRiskLimits({})).toEqual({ ok: true, limits: defaultRiskLimits });
    const r = parseRiskLimits({ maxOpenOrders: 7 });
    expect(r.ok && r.limits).toEqual({ ...defaultRiskLimits, maxOpenOrders: 7 });
  });

  it('normalises decimals and accepts numbers and digit text from forms', () => {
    const r = parseRiskLimits({
      maxOrderNotional: ' 12000.50 ',
      maxPositionNotional: 30000,
      priceBandPct: '2.5',
      coolDownMs: '120000',
      staleAfterMs: 5000,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.limits.maxOrderNotional).toBe('12000.5');
    expect(r.limits.maxPositionNotional).toBe('30000');
    expect(r.limits.priceBandPct).toBe('2.5');
    expect(r.limits.coolDownMs).toBe(120_000);
    expect(r.limits.staleAfterMs).toBe(5000);
  });

  it.each(fields)(
    'refuses NaN, infinities, negatives and absurd values of %s, saying how to fix it',
    (field) => {
      for (const bad of [NaN, Infinity, -Infinity, -1, '-5', 1e16, '1e16']) {
        const errors = errorsOf({ [field]: bad });
        expect(errors).toHaveLength(1);
        expect(errors[0]!.field).toBe(field);
        expect(errors[0]!.message).toMatch(/must be|cannot be/);
        // Every message says what would be accepted.
        expect(errors[0]!.message).toMatch(/at most [\d,]+/);
      }
    },
  );

  it.each(fields)('refuses wrong types of %s', (field) => {
    for (const bad of [true, null, undefined, {}, [], '', '  ', 'ten', () => 1]) {
      const errors = errorsOf({ [field]: bad });
      expect(errors.map((e) => e.field)).toEqual([field]);
      expect(errors[0]!.message).toContain('like');
    }
  });

  it('says which bound was crossed, with the numbers', () => {
    expect(errorsOf({ maxOrderNotional: '-10' })[0]!.message).toBe(
      'Max order value cannot be negative (it is -10); enter a number above 0 and at most 1,000,000,000,000,000, like 10000.',
    );
    expect(errorsOf({ maxOrderNotional: '0' })[0]!.message).toBe(
      'Max order value must be above 0 (it is 0); to stop trading use the kill switch.',
    );
    expect(errorsOf({ maxDrawdownPct: '150' })[0]!.message).toBe(
      'Max drawdown must be at most 100% (it is 150); it is a percent of the equity peak.',
    );
    expect(errorsOf({ maxOpenOrders: 2.5 })[0]!.message).toContain('must be a whole number, but it is 2.5');
    expect(errorsOf({ staleAfterMs: 10 })[0]!.message).toContain('must be at least 100 ms (it is 10)');
    expect(errorsOf({ staleAfterMs: NaN })[0]!.message).toContain('must be a finite number, but it is NaN');
  });

  it('refuses unknown fields by name instead of ignoring a typo', () => {
    const errors = errorsOf({ ...defaultRiskLimits, maxOrderNotionl: '5' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBeNull();
    expect(errors[0]!.message).toContain('"maxOrderNotionl" is not a risk limit');
    expect(errors[0]!.message).toContain('maxOrderNotional');
  });

  it('refuses input that is not a set of named values', () => {
    for (const bad of [null, undefined, 5, 'limits', [], [1, 2]]) {
      const errors = errorsOf(bad);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.field).toBeNull();
    }
  });

  it('reports every bad field at once, one message each', () => {
    const errors = errorsOf({ maxOrderNotional: 'x', maxOpenOrders: -1, coolDownMs: 1.5, bogus: 1 });
    expect(errors.map((e) => e.field).sort()).toEqual(
      [null, 'coolDownMs', 'maxOpenOrders', 'maxOrderNotional'].sort(),
    );
  });

  it('round-trips any valid limits', () => {
    const decimal = (max: number) =>
      fc.integer({ min: 1, max: max * 100 }).map((cents) => (cents / 100).toFixed(2).replace(/\.?0+$/, ''));
    const arb = fc.record({
      maxOrderNotional: decimal(1e7),
      maxPositionNotional: decimal(1e7),
      maxGrossExposure: decimal(1e7),
      priceBandPct: decimal(1000),
      maxOpenOrders: fc.integer({ min: 1, max: 100_000 }),
      dailyLossLimit: decimal(1e7),
      maxDrawdownPct: decimal(100),
      maxConsecutiveLosses: fc.integer({ min: 1, max: 1000 }),
      staleAfterMs: fc.integer({ min: 100, max: 3_600_000 }),
      coolDownMs: fc.integer({ min: 0, max: 604_800_000 }),
    });
    fc.assert(
      fc.property(arb, (limits) => {
        expect(parseRiskLimits(limits)).toEqual({ ok: true, limits });
      }),
    );
  });

  it('refuses any field replaced by garbage, naming that field', () => {
    const garbage = fc.oneof(
      fc.constantFrom(NaN, Infinity, -Infinity, null, undefined, true, false, '', 'abc', '1,000'),
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.double({ min: 1e15, noNaN: true }).filter((x) => x > 1e15),
      fc.object(),
      fc.array(fc.integer()),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), garbage, (field, bad) => {
        const errors = errorsOf({ ...defaultRiskLimits, [field]: bad });
        expect(errors.map((e) => e.field)).toEqual([field]);
        expect(errors[0]!.message.length).toBeGreaterThan(20);
      }),
    );
  });

  it('accepts integer fields only as whole numbers and decimal fields as exact decimals', () => {
    for (const f of integerFields) expect(parseRiskLimitField(f, '3.5').ok).toBe(false);
    for (const f of decimalFields) {
      const r = parseRiskLimitField(f, '0.125');
      expect(r).toEqual({ ok: true, value: '0.125' });
    }
  });
});
