import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('reads rates from complete seconds only', () => {
    const w = new RateWindow(60);
    const t0 = 1_000_000;
    for (let s = 0; s < 10; s++) w.add(t0 + s * 1000 + 100, 5);
    // Mid-way through the eleventh second, with 2 messages so far in it.
    w.add(t0 + 10_000 + 50, 2);
    expect(w.rate(t0 + 10_500, 1)).toBe(5);
    expect(w.rate(t0 + 10_500, 10)).toBe(5);
    expect(w.series(t0 + 10_500, 3)).toEqual([5, 5, 2]);
  });

  it('forgets seconds that fell out of the window, however long the silence', () => {
    const w = new RateWindow(60);
    w.add(5_000, 7);
    expect(w.rate(6_000, 1)).toBe(7);
    expect(w.rate(12_000, 1)).toBe(0);
    expect(w.series(200_000, 60).every((n) => n === 0)).toBe(true);
  });

  it('matches a count of timestamps per second (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120_000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 30 }),
        (times, span) => {
          const sorted = [...times].sort((a, b) => a - b);
          const w = new RateWindow(60);
          for (const t of sorted) w.add(t);
          const now = (sorted.at(-1) ?? 0) + 1;
          const current = Math.floor(now / 1000);
          const inWindow = sorted.filter((t) => {
            const s = Math.floor(t / 1000);
            return s >= current - span && s < current;
          }).length;
          expect(w.rate(now, span)).toBeCloseTo(inWindow / span, 9);
        },
      ),
    );
  });
});
