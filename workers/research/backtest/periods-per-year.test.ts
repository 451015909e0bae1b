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

describe('inferPeriodsPerYear over long series', () => {
  it('measures a sample of the gaps, with the same answers as every gap', () => {
    // Hourly bars with a nightly pause (every fifth gap a day) and cycling 1, 2, 3 minute gaps, each
    // long enough to be measured on a sample: the answers are those of the short series above.
    const hourly: number[] = [0];
    for (let i = 0; i < 200_000; i++) hourly.push(hourly.at(-1)! + (i % 5 === 4 ? 24 : 1) * 3_600_000);
    expect(inferPeriodsPerYear(Float64Array.from(hourly))).toBe(8760);
    const cycling: number[] = [0];
    for (let i = 0; i < 200_000; i++) cycling.push(cycling.at(-1)! + ((i % 3) + 1) * 60_000);
    expect(inferPeriodsPerYear(Float64Array.from(cycling))).toBe(Math.round((365 * DAY) / 120_000));
    expect(inferPeriodsPerYear(times(Date.UTC(2024, 0, 1), DAY, 20_000, weekday))).toBe(252);
    expect(inferPeriodsPerYear(times(Date.UTC(2024, 0, 1), 60_000, 2_000_000))).toBe(525_600);
  });

  it('reads only a sample of the times of a long series', () => {
    // A times array that counts its reads: measuring 2 M minute bars reads a few thousand of them.
    const n = 2_000_000;
    const base = times(0, 60_000, n);
    let reads = 0;
    const counted = new Proxy(base, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    expect(inferPeriodsPerYear(counted)).toBe(525_600);
    expect(reads).toBeLessThan(20_000);
  });
});
