import { describe, expect, it } from 'vitest';
import {
  cellContrast,
  correlationColors,
  formatFraction,
  formatMoney,
  formatRatio,
  formatSignedFraction,
  formatSignedMoney,
  percentTargets,
  percentTickDecimals,
  targetSum,
} from './portfolio';

describe('portfolio formatting', () => {
  it('never shows a missing value as zero', () => {
    expect(formatMoney(null, 'USDT')).toBe('—');
    expect(formatFraction(undefined)).toBe('—');
    expect(formatRatio(Number.NaN)).toBe('—');
  });

  it('signs gains and losses with a real minus', () => {
    expect(formatSignedMoney(12.3, 'USDT')).toBe('+12.30 USDT');
    expect(formatSignedMoney(-4.1, 'USDT')).toBe('−4.10 USDT');
    expect(formatMoney(-1234.5)).toBe('−1,234.50');
    expect(formatSignedFraction(0.05)).toBe('+5.00%');
    expect(formatSignedFraction(-0.00001)).toBe('0.00%');
    expect(formatFraction(-0.1234)).toBe('−12.34%');
    expect(formatRatio(Infinity)).toBe('∞');
  });

  it('keeps tiny money amounts readable', () => {
    expect(formatMoney(0.000123)).toBe('0.000123');
    expect(formatMoney(0.0523)).toBe('0.05');
  });

  it('heatmap text keeps at least 4.5:1 contrast on every cell colour', () => {
    for (let v = -1; v <= 1.0001; v += 0.01) {
      const c = correlationColors(v);
      expect(cellContrast(c), `correlation ${v.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(cellContrast(correlationColors(null))).toBeGreaterThanOrEqual(4.5);
  });

  it('sums target percentages exactly and says how far from 100 they are', () => {
    expect(targetSum(['33.3', '33.3', '33.4'])).toEqual({ sum: '100', diff: '0', exact: true, valid: true });
    const short = targetSum(['50', '30', '']);
    expect(short.exact).toBe(false);
    expect(Number(short.diff)).toBe(-20);
    expect(targetSum(['abc', '10']).valid).toBe(false);
  });

  it('starts the targets editor from weights that sum to exactly 100', () => {
    const rows = percentTargets([
      { key: 'USDT', weight: 0.87912 },
      { key: 'BTC', weight: 0.09055 },
      { key: 'ETH', weight: 0.03033 },
    ]);
    expect(rows.map((r) => r.asset)).toEqual(['USDT', 'BTC', 'ETH']);
    expect(targetSum(rows.map((r) => r.weight)).exact).toBe(true);
    expect(rows[1]?.weight).toBe('9.06');
  });

  it('gives axis ticks enough percent decimals to tell them apart', () => {
    expect(percentTickDecimals(0.0001)).toBe(2);
    expect(percentTickDecimals(0.01)).toBe(0);
    expect(percentTickDecimals(0.05)).toBe(0);
    expect(percentTickDecimals(0.002)).toBe(1);
  });
});
