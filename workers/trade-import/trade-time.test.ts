import { describe, expect, it } from 'vitest';
import { parseTradeTime, type TimeOptions } from './trade-time.js';

const time = (text: string, options?: TimeOptions) => {
  const r = parseTradeTime(text, options);
  return r.ok ? r.value : null;
};

describe('parseTradeTime', () => {
  it('reads times without a zone as UTC, or at the offset given', () => {
    expect(time('2024-01-31 13:45:00')).toBe(Date.UTC(2024, 0, 31, 13, 45));
    expect(time('2024-01-31T13:45')).toBe(Date.UTC(2024, 0, 31, 13, 45));
    expect(time('2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(time('2024-01-31 13:45:00', { offsetMinutes: 480 })).toBe(Date.UTC(2024, 0, 31, 5, 45));
    expect(time('2024-01-31 13:45:00', { offsetMinutes: -330 })).toBe(Date.UTC(2024, 0, 31, 19, 15));
  });

  it('uses a zone written in the text over the offset', () => {
    expect(time('2024-01-31T13:45:00Z', { offsetMinutes: 480 })).toBe(Date.UTC(2024, 0, 31, 13, 45));
    expect(time('2024-01-31T13:45:00+10:00')).toBe(Date.UTC(2024, 0, 31, 3, 45));
    expect(time('2024-01-31T13:45:00-0530')).toBe(Date.UTC(2024, 0, 31, 19, 15));
    expect(time('2024-01-31 13:45:00 UTC')).toBe(Date.UTC(2024, 0, 31, 13, 45));
  });

  it('cuts fractions to milliseconds without rounding', () => {
    expect(time('2023-01-02 03:04:05.1234')).toBe(Date.UTC(2023, 0, 2, 3, 4, 5, 123));
    expect(time('2023-01-02 03:04:05.9999')).toBe(Date.UTC(2023, 0, 2, 3, 4, 5, 999));
    expect(time('2023-01-02 03:04:05.5')).toBe(Date.UTC(2023, 0, 2, 3, 4, 5, 500));
    expect(time('1672628645.99999', { epoch: 'seconds' })).toBe(Date.UTC(2023, 0, 2, 3, 4, 5, 999));
  });

  it('reads bare numbers as the layout says', () => {
    expect(time('1704067200000')).toBe(Date.UTC(2024, 0, 1));
    expect(time('1704067200', { epoch: 'seconds' })).toBe(Date.UTC(2024, 0, 1));
    expect(time('1704067200')).toBeNull();
    expect(time('1704067200000', { epoch: 'none' })).toBeNull();
  });

  it('refuses dates that do not exist and text that is not a time', () => {
    for (const bad of [
      '2023-02-29',
      '2024-02-30',
      '2024-13-01',
      '2024-01-01 24:00',
      '2024-01-01 10:60',
      '31/01/2024',
      'yesterday',
      '',
      '1969-12-31',
    ])
      expect(time(bad), bad).toBeNull();
    expect(time('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});
