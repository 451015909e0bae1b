import { describe, expect, it } from 'vitest';
import { inferPeriodsPerYear } from './periods-per-year.js';

const DAY = 86_400_000;

function times(
  start: number,
  step: number,
  n: number,
  keep: (t: number) => boolean = () => true,
): Float64Array {
  const out: number[] = [];
  for (let t = start; out.length < n; t += step) if (keep(t)) out.push(t);
  return Float64Array.from(out);
}

const weekday = (t: number) => {
  const d = new Date(t).getUTCDay();
  return d !== 0 && d !== 6;
};

describe('inferPeriodsPerYear', () => {
  it('gives 252 for weekday daily bars and 365 for daily bars through weekends', () => {
    expect(inferPeriodsPerYear(times(Date.UTC(2024, 0, 1), DAY, 500, weekday))).toBe(252);
    expect(inferPeriodsPerYear(times(Date.UTC(2024, 0, 1), DAY, 500))).toBe(365);
  });

  it('counts intraday bars over a whole year', () => {
    expect(inferPeriodsPerYear(times(0, 3_600_000, 1000))).toBe(8760);
    expect(inferPeriodsPerYear(times(0, 60_000, 1000))).toBe(525_600);
  });

  it('uses the median spacing, so gaps do not change it', () => {
    // Every fifth gap is a day long (a nightly pause): the hour is still the median spacing.
    const t: number[] = [0];
    for (let i = 0; i < 999; i++) t.push(t.at(-1)! + (i % 5 === 4 ? 24 : 1) * 3_600_000);
    expect(inferPeriodsPerYear(Float64Array.from(t))).toBe(8760);
  });

  it('finds the median of irregular spacings without a majority', () => {
    // Spacings cycle through 1, 2 and 3 minutes: median 2 minutes.
    const t: number[] = [0];
    for (let i = 0; i < 999; i++) t.push(t.at(-1)! + ((i % 3) + 1) * 60_000);
    expect(inferPeriodsPerYear(Float64Array.from(t))).toBe(Math.round((365 * DAY) / 120_000));
  });

  it('falls back to 252 with fewer than two bars', () => {
    expect(inferPeriodsPerYear(Float64Array.of(5))).toBe(252);
  });
});
