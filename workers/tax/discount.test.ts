import { describe, expect, it } from 'vitest';
import { addYearsClamped, dateInTimeZone, daysBetween, parseIsoDate } from './calendar.js';
import { daysHeld, discountEligible, twelveMonthAnniversary } from './discount.js';

describe('ATO day counting for the CGT discount', () => {
  it('does not make a sale on the anniversary eligible, and makes the day after eligible', () => {
    expect(twelveMonthAnniversary('2021-03-10')).toBe('2022-03-10');
    expect(discountEligible('2021-03-10', '2022-03-10')).toBe(false);
    expect(discountEligible('2021-03-10', '2022-03-11')).toBe(true);
    expect(daysHeld('2021-03-10', '2022-03-10')).toBe(365);
    expect(daysHeld('2021-03-10', '2022-03-11')).toBe(366);
  });

  it('does not count 366 days across 29 February as 12 months when the sale is on the anniversary', () => {
    expect(daysHeld('2023-03-10', '2024-03-10')).toBe(366);
    expect(twelveMonthAnniversary('2023-03-10')).toBe('2024-03-10');
    expect(discountEligible('2023-03-10', '2024-03-10')).toBe(false);
    expect(discountEligible('2023-03-10', '2024-03-11')).toBe(true);
  });

  it('clamps the anniversary of a 29 February purchase to 28 February', () => {
    expect(twelveMonthAnniversary('2020-02-29')).toBe('2021-02-28');
    expect(discountEligible('2020-02-29', '2021-02-28')).toBe(false);
    expect(discountEligible('2020-02-29', '2021-03-01')).toBe(true);
    expect(daysHeld('2020-02-29', '2021-02-28')).toBe(365);
  });

  it('is never eligible before the anniversary, however the months fall', () => {
    expect(discountEligible('2021-01-31', '2021-12-31')).toBe(false);
    expect(discountEligible('2021-12-31', '2022-12-31')).toBe(false);
    expect(discountEligible('2021-12-31', '2023-01-01')).toBe(true);
    expect(discountEligible('2021-06-01', '2021-06-01')).toBe(false);
  });
});

describe('calendar dates', () => {
  it('refuses dates that do not exist', () => {
    expect(parseIsoDate('2021-02-29')).toBeNull();
    expect(parseIsoDate('2020-02-29')).toEqual({ year: 2020, month: 2, day: 29 });
    expect(parseIsoDate('2021-13-01')).toBeNull();
    expect(parseIsoDate('2021-1-1')).toBeNull();
    expect(parseIsoDate('0099-01-01')).toBeNull();
  });

  it('adds years with the month-end clamp and counts days across years', () => {
    expect(addYearsClamped('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYearsClamped('2024-02-29', 1)).toBe('2025-02-28');
    expect(daysBetween('2021-11-15', '2024-03-10')).toBe(846);
    expect(daysBetween('2022-03-10', '2021-03-10')).toBe(-365);
  });

  it('dates an instant in the taxpayer time zone', () => {
    // 30 June 2022 14:30 UTC is 1 July 00:30 in Sydney (AEST, UTC+10): another Australian tax year.
    const t = Date.UTC(2022, 5, 30, 14, 30);
    expect(dateInTimeZone(t, 'UTC')).toBe('2022-06-30');
    expect(dateInTimeZone(t, 'Australia/Sydney')).toBe('2022-07-01');
    // Daylight saving: 1 January 13:30 UTC is 2 January 00:30 in Sydney (AEDT, UTC+11).
    expect(dateInTimeZone(Date.UTC(2022, 0, 1, 13, 30), 'Australia/Sydney')).toBe('2022-01-02');
    expect(dateInTimeZone(Date.UTC(2022, 0, 1, 12, 30), 'Australia/Sydney')).toBe('2022-01-01');
  });
});
