import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatCompact, formatFixed, formatPercent } from './numbers.js';

describe('number formatting', () => {
  it('shows prices with the market precision and a dash for missing values', () => {
    expect(formatFixed(65000.1, 2)).toBe('65,000.10');
    expect(formatFixed(0.04912, 5)).toBe('0.04912');
    expect(formatFixed(NaN, 2)).toBe('–');
    expect(formatFixed(null, 2)).toBe('–');
  });

  it('shows signed percentages, compact volumes, sizes and ages', () => {
    expect(formatPercent(2.345)).toBe('+2.35%');
    expect(formatPercent(-0.5)).toBe('−0.50%');
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatCompact(1_234_567)).toBe('1.23M');
    expect(formatCompact(12.345)).toBe('12.35');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatAgo(0, 61_000)).toBe('1 min ago');
    expect(formatAgo(0, 5_000)).toBe('5 s ago');
  });
});
