import { describe, expect, it } from 'vitest';
import {
  clampDecimals,
  formatAmount,
  formatCompact,
  formatPercent,
  formatPrice,
  formatSmallPercent,
  priceIncrs,
  tickDecimals,
} from './format';

const L = 'en-US';

describe('formatPrice', () => {
  it('prints exactly the market decimals with grouping', () => {
    expect(formatPrice(60123.4, 2, L)).toBe('60,123.40');
    expect(formatPrice(0.000123456, 6, L)).toBe('0.000123');
    expect(formatPrice(42, 0, L)).toBe('42');
  });
  it('shows a dash for missing values', () => {
    expect(formatPrice(NaN, 2, L)).toBe('–');
    expect(formatPrice(Infinity, 2, L)).toBe('–');
  });
  it('clamps silly decimals', () => {
    expect(clampDecimals(-3)).toBe(0);
    expect(clampDecimals(40)).toBe(12);
    expect(clampDecimals(NaN)).toBe(2);
    expect(formatPrice(1.5, 2.6, L)).toBe('1.500');
  });
});

describe('formatAmount and formatCompact', () => {
  it('uses amount decimals below the compact threshold', () => {
    expect(formatAmount(1234.5, 3, L)).toBe('1,234.500');
  });
  it('goes compact for large volumes', () => {
    expect(formatAmount(1_234_567, 3, L)).toBe('1.23M');
    expect(formatCompact(4500, L)).toBe('4.5K');
    expect(formatCompact(12, L)).toBe('12');
    expect(formatCompact(0.01234, L)).toBe('0.0123');
    expect(formatCompact(0, L)).toBe('0');
  });
});

describe('percentages', () => {
  it('signs changes', () => {
    expect(formatPercent(1.234, L)).toBe('+1.23%');
    expect(formatPercent(-0.5, L)).toBe('-0.50%');
    expect(formatPercent(0, L)).toBe('0.00%');
    expect(formatPercent(NaN, L)).toBe('–');
  });
  it('keeps small spreads readable', () => {
    expect(formatSmallPercent(0.000166, L)).toBe('0.00017%');
    expect(formatSmallPercent(1.5, L)).toBe('1.50%');
  });
});

describe('priceIncrs', () => {
  it('never goes finer than the last decimal and ascends', () => {
    const incrs = priceIncrs(2);
    expect(incrs[0]).toBe(0.01);
    expect(incrs.slice(0, 6)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
    for (let i = 1; i < incrs.length; i++) expect(incrs[i]).toBeGreaterThan(incrs[i - 1] as number);
    expect(priceIncrs(0)[0]).toBe(1);
  });
  it('is cached per decimals', () => {
    expect(priceIncrs(3)).toBe(priceIncrs(3));
  });
});

describe('tickDecimals', () => {
  it('finds the decimals a step needs, capped by the market', () => {
    expect(tickDecimals(25, 2)).toBe(0);
    expect(tickDecimals(0.5, 2)).toBe(1);
    expect(tickDecimals(0.05, 2)).toBe(2);
    expect(tickDecimals(0.001, 2)).toBe(2);
    expect(tickDecimals(0.1 + 0.2, 4)).toBe(1);
  });
});
