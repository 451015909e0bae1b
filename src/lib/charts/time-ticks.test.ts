import { beforeAll, describe, expect, it } from 'vitest';
import {
  DAY,
  formatBarTime,
  formatTimeTicks,
  HOUR,
  MINUTE,
  MONTH,
  TIME_INCRS,
  timeIncrsFor,
  YEAR,
} from './time-ticks';

const L = 'en-US';
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo, d, h, mi, s) / 1000;

beforeAll(() => {
  // Local time is what the axis shows; pin it so the expectations hold on any machine.
  process.env.TZ = 'UTC';
});

describe('formatTimeTicks', () => {
  it('shows times intraday and the date at midnight', () => {
    const splits = [utc(2025, 5, 14, 20), utc(2025, 5, 14, 22), utc(2025, 5, 15, 0), utc(2025, 5, 15, 2)];
    expect(formatTimeTicks(splits, 2 * HOUR, L)).toEqual(['20:00', '22:00', 'Jun 15', '02:00']);
  });
  it('shows seconds for sub-minute steps', () => {
    expect(formatTimeTicks([utc(2025, 0, 2, 9, 30, 15)], 15, L)).toEqual(['09:30:15']);
  });
  it('shows dates for daily steps, the year on January 1st', () => {
    const splits = [utc(2024, 11, 24), utc(2024, 11, 31), utc(2025, 0, 1), utc(2025, 0, 7)];
    expect(formatTimeTicks(splits, DAY, L)).toEqual(['Dec 24', 'Dec 31', '2025', 'Jan 7']);
  });
  it('shows months and years for long ranges', () => {
    expect(formatTimeTicks([utc(2024, 10, 1), utc(2025, 0, 1), utc(2025, 2, 1)], MONTH, L)).toEqual([
      'Nov 2024',
      '2025',
      'Mar',
    ]);
    // Six-monthly ticks that never land on January still name each year once.
    const halfYears = [utc(2019, 4, 1), utc(2019, 10, 1), utc(2020, 4, 1), utc(2020, 10, 1)];
    expect(formatTimeTicks(halfYears, 6 * MONTH, L)).toEqual(['May 2019', 'Nov', 'May 2020', 'Nov']);
    expect(formatTimeTicks([utc(2023, 0, 1), utc(2024, 0, 1)], YEAR, L)).toEqual(['2023', '2024']);
  });
  it('leaves filtered-out ticks blank', () => {
    expect(formatTimeTicks([null, utc(2025, 5, 14, 13, 5)], MINUTE, L)).toEqual(['', '13:05']);
  });
});

describe('TIME_INCRS', () => {
  it('ascends and uses whole months and years as uPlot expects', () => {
    for (let i = 1; i < TIME_INCRS.length; i++)
      expect(TIME_INCRS[i]).toBeGreaterThan(TIME_INCRS[i - 1] as number);
    for (const incr of TIME_INCRS) {
      if (incr >= YEAR) expect(incr % YEAR).toBe(0);
      else if (incr >= MONTH) expect(incr % MONTH).toBe(0);
    }
  });
});

describe('timeIncrsFor', () => {
  it('drops steps finer than a candle', () => {
    expect(timeIncrsFor(HOUR)[0]).toBe(HOUR);
    expect(timeIncrsFor(60)[0]).toBe(MINUTE);
    expect(timeIncrsFor(DAY)).toContain(7 * DAY);
    expect(timeIncrsFor(NaN)).toEqual(TIME_INCRS);
    expect(timeIncrsFor(1000 * YEAR)).toHaveLength(1);
    expect(timeIncrsFor(HOUR)).toBe(timeIncrsFor(HOUR));
  });
});

describe('formatBarTime', () => {
  it('formats by candle interval', () => {
    const t = Date.UTC(2025, 5, 14, 13, 5, 9);
    expect(formatBarTime(t, 60_000)).toBe('2025-06-14 13:05');
    expect(formatBarTime(t, 3_600_000)).toBe('2025-06-14 13:05');
    expect(formatBarTime(t, 86_400_000)).toBe('2025-06-14');
    expect(formatBarTime(t, 1000)).toBe('2025-06-14 13:05:09');
    expect(formatBarTime(NaN, 60_000)).toBe('–');
  });
});
