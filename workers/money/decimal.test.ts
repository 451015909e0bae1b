import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, DecimalError, dec, type Rounding } from './decimal.js';

// ---------------------------------------------------------------------------------------------
// Reference model: a decimal is the rational units / 10^scale, with plain bigint arithmetic.
// ---------------------------------------------------------------------------------------------

interface Ref {
  units: bigint;
  scale: number;
}

const p10 = (n: number): bigint => 10n ** BigInt(n);

/** Text for a reference value, written independently of Decimal.toString (may carry trailing zeros). */
function refText({ units, scale }: Ref): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = '0'.repeat(Math.max(0, scale + 1 - digits.length)) + digits;
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** The same value as Decimal must print it: no exponent, no trailing zeros, no "-0". */
function normalText(r: Ref): string {
  let text = refText(r);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

/** Exact equality of a Decimal with a reference rational a / 10^s (cross-multiplied). */
function sameValue(d: Decimal, units: bigint, scale: number): boolean {
  return d.units * p10(scale) === units * p10(d.scale);
}

/** A Decimal must always be in normal form: no trailing zero in its units when it has decimals. */
function isNormal(d: Decimal): boolean {
  return d.scale === 0 || (d.units % 10n !== 0n && d.scale > 0);
}

/** Reference rounding of N / D to an integer, built on a true floor division. */
function refRound(n: bigint, d: bigint, mode: Rounding): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
  const rem = n - floor * d; // 0 <= rem < d
  if (rem === 0n) return floor;
  const ceil = floor + 1n;
  switch (mode) {
    case 'floor':
      return floor;
    case 'ceil':
      return ceil;
    case 'down':
      return n >= 0n ? floor : ceil;
    case 'up':
      return n >= 0n ? ceil : floor;
    case 'half-even':
      if (rem * 2n < d) return floor;
      if (rem * 2n > d) return ceil;
      return floor % 2n === 0n ? floor : ceil;
  }
}

const roundings: Rounding[] = ['floor', 'ceil', 'down', 'up', 'half-even'];

const refArb = (maxScale = 12, maxAbs = 10n ** 18n): fc.Arbitrary<Ref> =>
  fc.record({
    units: fc.bigInt({ min: -maxAbs, max: maxAbs }),
    scale: fc.integer({ min: 0, max: maxScale }),
  });
const nonZeroRefArb = (maxScale = 12, maxAbs = 10n ** 18n): fc.Arbitrary<Ref> =>
  refArb(maxScale, maxAbs).filter((r) => r.units !== 0n);
const positiveRefArb = (maxScale = 10, maxAbs = 10n ** 12n): fc.Arbitrary<Ref> =>
  fc.record({
    units: fc.bigInt({ min: 1n, max: maxAbs }),
    scale: fc.integer({ min: 0, max: maxScale }),
  });

const D = (r: Ref): Decimal => Decimal.from(refText(r));

// ---------------------------------------------------------------------------------------------

describe('Decimal parsing', () => {
  it.each([
    ['0.1', '0.1', 1n, 1],
    ['-.5', '-0.5', -5n, 1],
    ['+.25', '0.25', 25n, 2],
    ['1e-8', '0.00000001', 1n, 8],
    ['1.23E+5', '123000', 123000n, 0],
    ['1.5e1', '15', 15n, 0],
    ['-2.5e-3', '-0.0025', -25n, 4],
    [' 2 ', '2', 2n, 0],
    ['\t3.75\n', '3.75', 375n, 2],
    ['1.', '1', 1n, 0],
    ['007', '7', 7n, 0],
    ['1.50', '1.5', 15n, 1],
    ['100.000', '100', 100n, 0],
    ['0', '0', 0n, 0],
    ['-0', '0', 0n, 0],
    ['-0.000', '0', 0n, 0],
    ['+42', '42', 42n, 0],
    ['.5E2', '50', 50n, 0],
  ])('parses %j as %s', (text, printed, units, scale) => {
    const d = Decimal.from(text);
    expect(d.toString()).toBe(printed);
    expect(d.units).toBe(units);
    expect(d.scale).toBe(scale);
  });

  it('normalizes exponent forms that move digits to the right of the point', () => {
    // "10e-1" is one, not "1.0": the value at rest is always in normal form.
    expect(Decimal.from('10e-1').toString()).toBe('1');
    expect(Decimal.from('150e-1').toString()).toBe('15');
    expect(Decimal.from('1200e-3').toString()).toBe('1.2');
    expect(Decimal.from('-3000e-3').toString()).toBe('-3');
    expect(isNormal(Decimal.from('1200e-3'))).toBe(true);
  });

  it('parses finite numbers through their shortest text', () => {
    expect(Decimal.from(0.1).toString()).toBe('0.1');
    expect(Decimal.from(1e-7).toString()).toBe('0.0000001');
    expect(Decimal.from(1e21).toString()).toBe('1000000000000000000000');
    expect(Decimal.from(-0).toString()).toBe('0');
    expect(Decimal.from(-12.75).toString()).toBe('-12.75');
    expect(Decimal.from(5n).toString()).toBe('5');
    expect(Decimal.from(-5n).toString()).toBe('-5');
    const d = Decimal.from('1.5');
    expect(Decimal.from(d)).toBe(d);
    expect(dec('2.5').eq(Decimal.from('2.5'))).toBe(true);
  });

  it.each([
    '',
    '   ',
    'abc',
    'NaN',
    'Infinity',
    '-Infinity',
    '.',
    '-',
    '1.2.3',
    '--1',
    '1e',
    'e5',
    '0x10',
    '1_000',
    '1,5',
    '1 000',
    '1e1000',
    '1e999',
    '1e-999',
    '1e61',
    '1e-61',
  ])('refuses %j', (text) => {
    expect(() => Decimal.from(text)).toThrow(DecimalError);
    expect(Decimal.tryFrom(text)).toBeNull();
  });

  it('refuses non-finite numbers and non-numbers', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      expect(() => Decimal.from(v)).toThrow(DecimalError);
      expect(Decimal.tryFrom(v)).toBeNull();
    }
    expect(() => Decimal.from(null as unknown as string)).toThrow(DecimalError);
    expect(() => Decimal.from({} as unknown as string)).toThrow(DecimalError);
    expect(Decimal.tryFrom(null)).toBeNull();
    expect(Decimal.tryFrom(undefined)).toBeNull();
    expect(Decimal.tryFrom({})).toBeNull();
    expect(Decimal.tryFrom('0.25')?.toString()).toBe('0.25');
    expect(Decimal.tryFrom(3)?.toString()).toBe('3');
  });

  it('accepts 60 digits and refuses 61 or more, however they are written', () => {
    const sixty = '9'.repeat(60);
    expect(Decimal.from(sixty).toString()).toBe(sixty);
    expect(Decimal.from(`0.${'1'.repeat(59)}`).toString()).toBe(`0.${'1'.repeat(59)}`);
    expect(() => Decimal.from('9'.repeat(61))).toThrow(DecimalError);
    expect(() => Decimal.from(`1.${'1'.repeat(60)}`)).toThrow(DecimalError);
    expect(() => Decimal.from('9'.repeat(200))).toThrow(DecimalError);
    // Trailing zeros of a fraction are not significant digits.
    expect(Decimal.from(`1.5${'0'.repeat(58)}`).toString()).toBe('1.5');
    // An exponent cannot be used to smuggle in a longer number.
    expect(Decimal.from('1e59').toString()).toBe(`1${'0'.repeat(59)}`);
    expect(() => Decimal.from('1e60')).toThrow(DecimalError);
    expect(() => Decimal.from(`${'1'.repeat(40)}e30`)).toThrow(DecimalError);
    expect(() => Decimal.from(`${'1'.repeat(40)}e60`)).toThrow(DecimalError);
  });
});

describe('Decimal text', () => {
  it('prints plain decimals without exponent or trailing zeros', () => {
    expect(dec('-0.5').toString()).toBe('-0.5');
    expect(dec('0.00012').toString()).toBe('0.00012');
    expect(dec('1e-12').toString()).toBe('0.000000000001');
    expect(dec('2.50').add('0.50').toString()).toBe('3');
    expect(dec('0.1').mul('10').toString()).toBe('1');
    expect(dec('1').sub('1').toString()).toBe('0');
    expect(dec('-1.5').add('1.5').toString()).toBe('0');
    expect(JSON.stringify({ price: dec('12.340') })).toBe('{"price":"12.34"}');
    expect(`${dec('7.70')}`).toBe('7.7');
  });

  it.each([
    ['1.005', 2, '1.00'],
    ['1.015', 2, '1.02'],
    ['1.025', 2, '1.02'],
    ['2.5', 0, '2'],
    ['3.5', 0, '4'],
    ['-2.5', 0, '-2'],
    ['-0.05', 1, '0.0'],
    ['-0.051', 1, '-0.1'],
    ['1e-7', 3, '0.000'],
    ['12', 3, '12.000'],
    ['0.5', 3, '0.500'],
    ['-0.5', 2, '-0.50'],
    ['123.456', 0, '123'],
    ['0', 2, '0.00'],
  ])('toFixed(%s, %i) is %s', (value, decimals, text) => {
    expect(dec(value).toFixed(decimals)).toBe(text);
  });

  it('round-trips its own text for random decimals', () => {
    fc.assert(
      fc.property(refArb(20, 10n ** 30n), (r) => {
        const d = D(r);
        expect(d.toString()).toBe(normalText(r));
        const again = Decimal.from(String(d));
        expect(again.toString()).toBe(d.toString());
        expect(again.eq(d)).toBe(true);
        expect(again.units).toBe(d.units);
        expect(again.scale).toBe(d.scale);
        expect(isNormal(d)).toBe(true);
      }),
    );
  });

  it('reads the same value from padded, signed and exponent spellings', () => {
    fc.assert(
      fc.property(
        refArb(12, 10n ** 15n),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: -5, max: 5 }),
        (r, pad, exp) => {
          const base = refText(r);
          const padded = base.includes('.') ? base + '0'.repeat(pad) : `${base}.${'0'.repeat(pad)}`;
          expect(Decimal.from(padded).toString()).toBe(normalText(r));
          // units × 10^(exp − scale) written as "<units>e<exp−scale>", shifted by `exp` digits.
          const shifted = Decimal.from(`${r.units}e${exp - r.scale}`);
          expect(sameValue(shifted, r.units * p10(Math.max(0, exp)), r.scale + Math.max(0, -exp))).toBe(true);
          expect(isNormal(shifted)).toBe(true);
        },
      ),
    );
  });

  it('toFixed matches a half-even reference', () => {
    fc.assert(
      fc.property(refArb(12, 10n ** 15n), fc.integer({ min: 0, max: 8 }), (r, decimals) => {
        const rounded = refRound(r.units * p10(decimals), p10(r.scale), 'half-even');
        const expected = refText({ units: rounded, scale: decimals });
        expect(dec(refText(r)).toFixed(decimals)).toBe(expected);
      }),
    );
  });
});

describe('Decimal comparison', () => {
  it('compares across scales', () => {
    expect(dec('0.1').cmp('0.10')).toBe(0);
    expect(dec('0.1').cmp('0.09')).toBe(1);
    expect(dec('-0.1').cmp('-0.09')).toBe(-1);
    expect(dec('100').cmp('99.999999999')).toBe(1);
    expect(dec('-5').cmp(-5)).toBe(0);
    expect(dec('1').lt('1.0000001')).toBe(true);
    expect(dec('1').lte('1')).toBe(true);
    expect(dec('2').gt('1.9')).toBe(true);
    expect(dec('2').gte('2.0')).toBe(true);
    expect(dec('2').eq('2.01')).toBe(false);
    expect(Decimal.min(dec('1.5'), dec('1.25')).toString()).toBe('1.25');
    expect(Decimal.max(dec('-1.5'), dec('-1.25')).toString()).toBe('-1.25');
  });

  it('cmp agrees with the reference order', () => {
    fc.assert(
      fc.property(refArb(), refArb(), (a, b) => {
        const x = a.units * p10(b.scale);
        const y = b.units * p10(a.scale);
        const expected = x === y ? 0 : x < y ? -1 : 1;
        expect(D(a).cmp(D(b))).toBe(expected);
        expect(D(b).cmp(D(a))).toBe(-expected || 0);
        expect(D(a).eq(D(b))).toBe(expected === 0);
      }),
    );
  });

  it('sign, neg, abs and predicates', () => {
    expect(dec('-0.3').sign()).toBe(-1);
    expect(dec('0').sign()).toBe(0);
    expect(dec('0.3').sign()).toBe(1);
    expect(dec('-0.3').neg().toString()).toBe('0.3');
    expect(dec('-0.3').abs().toString()).toBe('0.3');
    expect(dec('0.3').abs().toString()).toBe('0.3');
    expect(dec('0').neg().toString()).toBe('0');
    expect(dec('0').isZero()).toBe(true);
    expect(dec('0.0001').isPositive()).toBe(true);
    expect(dec('-0.0001').isNegative()).toBe(true);
    expect(dec('0').isPositive()).toBe(false);
    expect(dec('0').isNegative()).toBe(false);
  });
});

describe('Decimal arithmetic is exact', () => {
  it('add, sub and mul match scaled bigint arithmetic', () => {
    fc.assert(
      fc.property(refArb(), refArb(), (a, b) => {
        const s = Math.max(a.scale, b.scale);
        const x = a.units * p10(s - a.scale);
        const y = b.units * p10(s - b.scale);
        const sum = D(a).add(D(b));
        const diff = D(a).sub(D(b));
        const prod = D(a).mul(D(b));
        expect(sum.toString()).toBe(normalText({ units: x + y, scale: s }));
        expect(diff.toString()).toBe(normalText({ units: x - y, scale: s }));
        expect(prod.toString()).toBe(normalText({ units: a.units * b.units, scale: a.scale + b.scale }));
        for (const d of [sum, diff, prod]) expect(isNormal(d)).toBe(true);
      }),
    );
  });

  it('a + b − b == a and a − b + b == a', () => {
    fc.assert(
      fc.property(refArb(), refArb(), (a, b) => {
        expect(D(a).add(D(b)).sub(D(b)).toString()).toBe(normalText(a));
        expect(D(a).sub(D(b)).add(D(b)).toString()).toBe(normalText(a));
        expect(
          D(a)
            .add(D(b))
            .eq(D(b).add(D(a))),
        ).toBe(true);
      }),
    );
  });

  it('accepts strings and numbers as operands', () => {
    expect(dec('1.1').add('2.2').toString()).toBe('3.3');
    expect(dec('1.1').add(2.2).toString()).toBe('3.3');
    expect(dec('0.3').sub(0.1).toString()).toBe('0.2');
    expect(dec('0.1').mul(3).toString()).toBe('0.3');
    expect(dec('1.5').mul('-2').toString()).toBe('-3');
    expect(() => dec('1').add('x')).toThrow(DecimalError);
  });

  it('sums 1000 fills of 0.1 to exactly 100', () => {
    let total = Decimal.ZERO;
    for (let i = 0; i < 1000; i++) total = total.add('0.1');
    expect(total.toString()).toBe('100');
    expect(total.units).toBe(100n);
    expect(total.scale).toBe(0);
    const fills = Array.from({ length: 1000 }, () => dec('0.1'));
    expect(Decimal.sum(fills).toString()).toBe('100');
    expect(Decimal.sum([]).toString()).toBe('0');
    // The float sum is not exact, which is the point of this module.
    let float = 0;
    for (let i = 0; i < 1000; i++) float += 0.1;
    expect(float).not.toBe(100);
  });
});

describe('Decimal division and rounding', () => {
  it.each([
    ['1', '3', 4, 'floor', '0.3333'],
    ['1', '3', 4, 'ceil', '0.3334'],
    ['-1', '3', 4, 'floor', '-0.3334'],
    ['-1', '3', 4, 'ceil', '-0.3333'],
    ['-1', '3', 4, 'down', '-0.3333'],
    ['-1', '3', 4, 'up', '-0.3334'],
    ['1', '8', 2, 'half-even', '0.12'],
    ['3', '8', 2, 'half-even', '0.38'],
    ['-1', '8', 2, 'half-even', '-0.12'],
    ['10', '4', 0, 'half-even', '2'],
    ['14', '4', 0, 'half-even', '4'],
    ['1', '0.001', 0, 'floor', '1000'],
    ['0.001', '1000', 2, 'up', '0.01'],
    ['0.001', '1000', 2, 'down', '0'],
    ['6', '-4', 1, 'floor', '-1.5'],
    ['-6', '-4', 0, 'half-even', '2'],
  ] as const)('%s / %s at %i decimals, %s → %s', (a, b, scale, mode, out) => {
    expect(dec(a).div(b, scale, mode).toString()).toBe(out);
  });

  it('refuses division by zero', () => {
    expect(() => dec('1').div('0', 2, 'floor')).toThrow(DecimalError);
    expect(() => dec('0').div('0.000', 2, 'floor')).toThrow(DecimalError);
  });

  for (const mode of roundings) {
    it(`div with '${mode}' matches the reference`, () => {
      fc.assert(
        fc.property(refArb(), nonZeroRefArb(), fc.integer({ min: 0, max: 14 }), (a, b, scale) => {
          // a/b = (a.units / 10^a.s) / (b.units / 10^b.s); at `scale`: a.units · 10^(scale + b.s) / (b.units · 10^a.s).
          const n = a.units * p10(scale + b.scale);
          const d = b.units * p10(a.scale);
          const expected = refRound(n, d, mode);
          const got = D(a).div(D(b), scale, mode);
          expect(got.toString()).toBe(normalText({ units: expected, scale }));
          expect(got.scale).toBeLessThanOrEqual(scale);
          expect(isNormal(got)).toBe(true);
        }),
      );
    });

    it(`round(decimals, '${mode}') matches the reference`, () => {
      fc.assert(
        fc.property(refArb(), fc.integer({ min: 0, max: 14 }), (a, decimals) => {
          const expected =
            a.scale <= decimals
              ? normalText(a)
              : normalText({ units: refRound(a.units, p10(a.scale - decimals), mode), scale: decimals });
          expect(D(a).round(decimals, mode).toString()).toBe(expected);
        }),
      );
    });
  }

  it('the rounding modes bracket the exact quotient', () => {
    fc.assert(
      fc.property(refArb(), nonZeroRefArb(), fc.integer({ min: 0, max: 10 }), (a, b, scale) => {
        const q = (m: Rounding) => D(a).div(D(b), scale, m);
        const step = Decimal.from(`1e-${scale}`);
        expect(q('floor').lte(q('ceil'))).toBe(true);
        expect(q('ceil').sub(q('floor')).lte(step)).toBe(true);
        expect(q('down').abs().lte(q('up').abs())).toBe(true);
        expect(q('half-even').eq(q('floor')) || q('half-even').eq(q('ceil'))).toBe(true);
        // floor · b ≤ a ≤ ceil · b for positive b (reversed for negative b).
        const lo = q('floor').mul(D(b));
        const hi = q('ceil').mul(D(b));
        if (b.units > 0n) expect(lo.lte(D(a)) && D(a).lte(hi)).toBe(true);
        else expect(hi.lte(D(a)) && D(a).lte(lo)).toBe(true);
      }),
    );
  });
});

describe('Decimal steps', () => {
  it.each([
    ['0.123456', '0.001', 'floor', '0.123'],
    ['0.123456', '0.001', 'ceil', '0.124'],
    ['-0.123456', '0.001', 'floor', '-0.124'],
    ['-0.123456', '0.001', 'down', '-0.123'],
    ['101.37', '0.5', 'half-even', '101.5'],
    ['101.25', '0.5', 'half-even', '101'],
    ['101.75', '0.5', 'half-even', '102'],
    ['1234', '25', 'floor', '1225'],
    ['1234', '25', 'up', '1250'],
    ['0.3', '0.1', 'floor', '0.3'],
    ['7', '1e-8', 'floor', '7'],
  ] as const)('roundToStep(%s, %s, %s) is %s', (x, step, mode, out) => {
    expect(dec(x).roundToStep(step, mode).toString()).toBe(out);
  });

  it('refuses a step that is not positive', () => {
    expect(() => dec('1').roundToStep('0', 'floor')).toThrow(DecimalError);
    expect(() => dec('1').roundToStep('-0.1', 'floor')).toThrow(DecimalError);
    expect(dec('1').isMultipleOf('0')).toBe(false);
  });

  it('isMultipleOf on examples', () => {
    expect(dec('0.3').isMultipleOf('0.1')).toBe(true);
    expect(dec('0.30000001').isMultipleOf('0.1')).toBe(false);
    expect(dec('-1.5').isMultipleOf('0.5')).toBe(true);
    expect(dec('0').isMultipleOf('0.001')).toBe(true);
    expect(dec('100').isMultipleOf('0.00001')).toBe(true);
    expect(dec('0.00001').isMultipleOf('100')).toBe(false);
    expect(dec('1250').isMultipleOf('25')).toBe(true);
  });

  for (const mode of roundings) {
    it(`roundToStep('${mode}') lands on a multiple of the step within one step`, () => {
      fc.assert(
        fc.property(refArb(10, 10n ** 14n), positiveRefArb(), (x, s) => {
          const value = D(x);
          const step = D(s);
          const r = value.roundToStep(step, mode);
          // r / step is an integer: r.units · 10^s.scale divisible by s.units · 10^r.scale.
          expect((r.units * p10(s.scale)) % (s.units * p10(r.scale))).toBe(0n);
          expect(r.isMultipleOf(step)).toBe(true);
          expect(r.sub(value).abs().lt(step)).toBe(true);
          if (mode === 'half-even') expect(r.sub(value).abs().mul(2).lte(step)).toBe(true);
          if (mode === 'floor') expect(r.lte(value)).toBe(true);
          if (mode === 'ceil') expect(r.gte(value)).toBe(true);
          if (mode === 'down') expect(r.abs().lte(value.abs())).toBe(true);
          if (mode === 'up') expect(r.abs().gte(value.abs())).toBe(true);
          expect(isNormal(r)).toBe(true);
        }),
      );
    });
  }

  it('floor ≤ x ≤ ceil, equal exactly when x is on the step', () => {
    fc.assert(
      fc.property(refArb(10, 10n ** 14n), positiveRefArb(), (x, s) => {
        const value = D(x);
        const floor = value.roundToStep(D(s), 'floor');
        const ceil = value.roundToStep(D(s), 'ceil');
        expect(floor.lte(value)).toBe(true);
        expect(value.lte(ceil)).toBe(true);
        expect(floor.eq(ceil)).toBe(value.isMultipleOf(D(s)));
        if (!floor.eq(ceil)) expect(ceil.sub(floor).eq(D(s))).toBe(true);
      }),
    );
  });

  it("isMultipleOf(step) agrees with roundToStep(x, 'floor').eq(x)", () => {
    fc.assert(
      fc.property(
        refArb(10, 10n ** 14n),
        positiveRefArb(),
        fc.integer({ min: -1000, max: 1000 }),
        (x, s, k) => {
          const step = D(s);
          for (const value of [D(x), step.mul(k)]) {
            expect(value.isMultipleOf(step)).toBe(value.roundToStep(step, 'floor').eq(value));
          }
          expect(step.mul(k).isMultipleOf(step)).toBe(true);
        },
      ),
    );
  });
});
