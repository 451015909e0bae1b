import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsInRange, checkWindows, defaultWindows, windowCount } from './walk-forward';

describe('walk-forward windows', () => {
  it('counts the whole out-of-sample windows after the first in-sample one', () => {
    expect(windowCount(1860, { inSample: 500, outOfSample: 250 })).toBe(5);
    expect(windowCount(1000, { inSample: 1000, outOfSample: 10 })).toBe(0);
    expect(windowCount(100, { inSample: 0, outOfSample: 10 })).toBe(0);
  });

  it('never needs more bars than there are', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 50_000 }),
        fc.integer({ min: 1, max: 50_000 }),
        (bars, is, oos) => {
          const w = windowCount(bars, { inSample: is, outOfSample: oos });
          expect(w).toBeGreaterThanOrEqual(0);
          expect(is + w * oos).toBeLessThanOrEqual(Math.max(bars, is));
          if (w >= 0 && bars > is) expect(is + (w + 1) * oos).toBeGreaterThan(bars);
        },
      ),
    );
  });

  it('starts with four windows on a known dataset', () => {
    for (const bars of [60, 1860, 10_000]) {
      const d = defaultWindows(bars);
      expect(windowCount(bars, d)).toBe(4);
      expect(checkWindows(String(d.inSample), String(d.outOfSample), bars).ok).toBe(true);
    }
    expect(defaultWindows(null)).toEqual({ inSample: 500, outOfSample: 100 });
  });

  it('explains what is wrong with each size', () => {
    expect(checkWindows('abc', '10', 100)).toMatchObject({ ok: false, field: 'inSample' });
    expect(checkWindows('1', '10', 100)).toMatchObject({ ok: false, field: 'inSample' });
    expect(checkWindows('50', '0', 100)).toMatchObject({ ok: false, field: 'outOfSample' });
    expect(checkWindows('50', '2.5', 100)).toMatchObject({ ok: false, field: 'outOfSample' });
    expect(checkWindows('100', '10', 100)).toMatchObject({
      ok: false,
      field: 'inSample',
      message: /fewer in sample/,
    });
    expect(checkWindows('90', '20', 100)).toMatchObject({
      ok: false,
      field: 'outOfSample',
      message: /Only 10 bars/,
    });
    expect(checkWindows(' 1000 ', '500', 3000)).toEqual({
      ok: true,
      inSample: 1000,
      outOfSample: 500,
      windows: 4,
    });
    expect(checkWindows('60', '20', null)).toEqual({
      ok: true,
      inSample: 60,
      outOfSample: 20,
      windows: null,
    });
  });
});

describe('bars in a range', () => {
  const ds = { bars: 101, first: 0, last: 100_000 };

  it('is the dataset count without a range or with one that covers it', () => {
    expect(barsInRange(ds, null, null)).toEqual({ bars: 101, exact: true });
    expect(barsInRange(ds, -5, 200_000)).toEqual({ bars: 101, exact: true });
  });

  it('estimates a part of the span by its share of the time', () => {
    expect(barsInRange(ds, 50_000, null)).toEqual({ bars: 51, exact: false });
    expect(barsInRange(ds, 10_000, 20_000)).toEqual({ bars: 11, exact: false });
    expect(barsInRange(ds, 300_000, 400_000)).toEqual({ bars: 0, exact: true });
  });
});
