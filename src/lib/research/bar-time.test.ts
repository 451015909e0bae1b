import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barTimeText, rangeText, spacingOf } from './bar-time';

describe('bar times', () => {
  it('writes daily bars as UTC dates and faster bars with the minute', () => {
    expect(barTimeText(Date.UTC(1991, 6, 1), 86_400_000)).toBe('1991-07-01');
    expect(barTimeText(Date.UTC(2024, 4, 1, 10, 15, 30), 60_000)).toBe('2024-05-01 10:15');
    expect(barTimeText(Number.NaN, 60_000)).toBe('–');
  });

  it('gives a range whose ends read back as the first and last day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15_000 }), fc.integer({ min: 2, max: 5000 }), (d, bars) => {
        const first = d * 86_400_000;
        const last = first + (bars - 1) * 86_400_000;
        const [a, b] = rangeText(first, last, bars).split(' – ');
        expect(Date.parse(a as string)).toBe(first);
        expect(Date.parse(b as string)).toBe(last);
        expect(spacingOf(first, last, bars)).toBe(86_400_000);
      }),
    );
  });
});
