import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText, parseNumberText, percentText, unitsText } from './number-text';

describe('number fields', () => {
  it('reads plain, signed, decimal-comma and exponent numbers', () => {
    expect(parseNumberText(' 12 ')).toBe(12);
    expect(parseNumberText('-0.5')).toBe(-0.5);
    expect(parseNumberText('1,5')).toBe(1.5);
    expect(parseNumberText('.25')).toBe(0.25);
    expect(parseNumberText('1e3')).toBe(1000);
  });

  it('refuses empty text, words, thousands separators and several numbers', () => {
    for (const t of ['', '  ', 'abc', '1,500.5', '1 2', '12abc', '--1', 'Infinity', 'NaN', '0x10'])
      expect(parseNumberText(t), t).toBeNull();
  });

  it('writes numbers that read back to themselves (up to 12 significant digits)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (n) => {
        const back = parseNumberText(numberText(n)) as number;
        expect(Math.abs(back - n)).toBeLessThanOrEqual(Math.abs(n) * 1e-11 + 1e-300);
      }),
    );
  });

  it('shows fractions as percent without float noise', () => {
    expect(percentText(0.001)).toBe('0.1');
    expect(percentText(0.07)).toBe('7');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(Number.NaN)).toBe('');
  });
});

describe('units', () => {
  it('keeps four decimals from one unit up and six significant digits below', () => {
    expect(unitsText(6.612)).toBe('6.6120');
    expect(unitsText(1234.56789)).toBe('1,234.5679');
    expect(unitsText(0.000123456789)).toBe('0.000123457');
    expect(unitsText(Number.NaN)).toBe('—');
  });

  it('never shows a small holding as zero', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 0.999, noNaN: true }), (v) => {
        expect(Number(unitsText(v))).toBeGreaterThan(0);
      }),
    );
  });
});
