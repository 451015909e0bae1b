import { describe, expect, it } from 'vitest';
import { roundToTick, spanText, tomorrowMorning } from './alert-labels';

describe('alert labels', () => {
  it('rounds a pointer price to the market tick with its decimals', () => {
    expect(roundToTick(70_012.3456, 0.01, 2)).toBe('70012.35');
    expect(roundToTick(70_012.3456, 0.5, 1)).toBe('70012.5');
    expect(roundToTick(0.000123456, 0.000001, 6)).toBe('0.000123');
    expect(roundToTick(NaN, 0.01, 2)).toBe('');
  });

  it('names windows in their largest whole unit', () => {
    expect(spanText(3_600_000)).toBe('1 h');
    expect(spanText(15 * 60_000)).toBe('15 min');
    expect(spanText(86_400_000)).toBe('1 d');
    expect(spanText(1500)).toBe('2 s');
  });

  it('snoozes "until tomorrow" to the next morning at 08:00 local time', () => {
    const now = new Date(2026, 5, 1, 22, 30).getTime();
    const t = new Date(tomorrowMorning(now));
    expect([t.getDate(), t.getHours(), t.getMinutes()]).toEqual([2, 8, 0]);
  });
});
