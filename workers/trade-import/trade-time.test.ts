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

describe('parseTradeTime: bounds', () => {
  const message = (text: string, options?: TimeOptions) => {
    const r = parseTradeTime(text, options);
    return r.ok ? null : r.message;
  };

  it('refuses epoch seconds outside 1973 to 9999, and says when they look like milliseconds', () => {
    expect(time('94694400', { epoch: 'seconds' })).toBe(Date.UTC(1973, 0, 1));
    expect(time('253402300799', { epoch: 'seconds' })).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    expect(time('94694399', { epoch: 'seconds' })).toBeNull();
    expect(time('253402300800', { epoch: 'seconds' })).toBeNull();
    // Milliseconds pasted as seconds would be the year 55,980.
    expect(message('1704067200000', { epoch: 'seconds' })).toMatch(
      /after 9999 as epoch seconds: if it is epoch milliseconds, divide by 1000/,
    );
    expect(message('1704067200000.5', { epoch: 'seconds' })).toMatch(/after 9999/);
    expect(message('1000', { epoch: 'seconds' })).toMatch(/before 1973 as epoch seconds/);
  });

  it('refuses epoch milliseconds outside 1973 to 9999, and says when they look like microseconds', () => {
    expect(time('94694400000')).toBe(Date.UTC(1973, 0, 1));
    expect(time('253402300799999')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(time('94694399999')).toBeNull();
    expect(time('253402300800000')).toBeNull();
    expect(message('1704067200000000')).toMatch(
      /after 9999 as epoch milliseconds: if it is epoch microseconds, divide by 1000/,
    );
    expect(message('1704067200000000000')).toMatch(/after 9999 as epoch milliseconds/);
  });

  it('refuses dates before 1973 or after 9999, also once the zone is applied', () => {
    expect(time('1973-01-01')).toBe(Date.UTC(1973, 0, 1));
    expect(time('9999-12-31T23:59:59.999Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(message('1972-12-31 23:59:59')).toMatch(/"1972-12-31 23:59:59" is before 1973/);
    expect(message('1973-01-01T00:30:00+01:00')).toMatch(/is before 1973/);
    expect(message('9999-12-31T23:00:00-05:00')).toMatch(/is after 9999/);
    expect(message('9999-12-31 23:00:00', { offsetMinutes: -300 })).toMatch(/is after 9999/);
    expect(message('0001-01-01')).toMatch(/is before 1973/);
    // Not read as 1999, the way Date.UTC reads two-digit years.
    expect(message('0099-01-01')).toMatch(/is before 1973/);
  });

  it('reads zone offsets up to ±14:00 and refuses others', () => {
    expect(time('2024-01-31T13:45:00+14:00')).toBe(Date.UTC(2024, 0, 30, 23, 45));
    expect(time('2024-01-31T13:45:00-14:00')).toBe(Date.UTC(2024, 1, 1, 3, 45));
    expect(time('2024-01-31T13:45:00+05:45')).toBe(Date.UTC(2024, 0, 31, 8, 0));
    expect(time('2024-01-31T13:45:00-09')).toBe(Date.UTC(2024, 0, 31, 22, 45));
    for (const zone of ['+99:99', '+14:01', '-15:00', '+13:60', '+0560', '-2400'])
      expect(message(`2024-01-31T13:45:00${zone}`), zone).toMatch(
        new RegExp(`zone offset ${zone.replace('+', '\\+')}.*at most ±14:00, with minutes below 60`),
      );
  });
});
