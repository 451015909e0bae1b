import { describe, expect, it } from 'vitest';
import {
  bodyWidth,
  lowerBound,
  MAX_BODY_CSS,
  minStep,
  priceRange,
  snapLeft,
  spanHeight,
  spanTop,
  volumeRange,
  wickWidth,
} from './candle-geometry';

describe('candle widths', () => {
  it('uses one CSS pixel wicks in whole device pixels', () => {
    expect(wickWidth(1)).toBe(1);
    expect(wickWidth(1.5)).toBe(2);
    expect(wickWidth(2)).toBe(2);
    expect(wickWidth(3)).toBe(3);
    expect(wickWidth(0.5)).toBe(1);
  });

  it('keeps bodies at least a wick wide, at most the cap, and centred on the wick', () => {
    for (const pr of [1, 1.25, 1.5, 2, 3]) {
      const wick = wickWidth(pr);
      for (let slot = 0; slot < 200; slot += 0.37) {
        const body = bodyWidth(slot, pr);
        expect(Number.isInteger(body)).toBe(true);
        expect(body).toBeGreaterThanOrEqual(wick);
        expect(body).toBeLessThanOrEqual(Math.max(wick, Math.floor(MAX_BODY_CSS * pr)) + 1);
        expect((body - wick) % 2).toBe(0);
        if (slot >= 4 * pr) expect(body).toBeLessThan(slot);
      }
    }
  });

  it('grows with the slot', () => {
    expect(bodyWidth(10, 1)).toBe(7);
    expect(bodyWidth(0.2, 1)).toBe(1);
    expect(bodyWidth(1000, 1)).toBe(39);
    expect(bodyWidth(NaN, 2)).toBe(2);
  });
});

describe('pixel snapping', () => {
  it('centres boxes on the pixel grid', () => {
    expect(snapLeft(10.2, 1)).toBe(10);
    expect(snapLeft(10, 7)).toBe(7);
    // Body and wick share a centre when body - wick is even.
    const wick = 1;
    const body = 7;
    const wl = snapLeft(50.4, wick);
    expect(wl - (body - wick) / 2 + body / 2).toBe(wl + wick / 2);
  });

  it('spans y positions in either order with a minimum height', () => {
    expect(spanTop(30.6, 10.2)).toBe(10);
    expect(spanHeight(30.6, 10.2, 1)).toBe(21);
    expect(spanHeight(20.2, 20.3, 2)).toBe(2);
  });
});

describe('search and steps', () => {
  const xs = Float64Array.from([10, 20, 30, 40]);
  it('lowerBound finds the first value at or above', () => {
    expect(lowerBound(xs, 5)).toBe(0);
    expect(lowerBound(xs, 20)).toBe(1);
    expect(lowerBound(xs, 21)).toBe(2);
    expect(lowerBound(xs, 99)).toBe(4);
    expect(lowerBound(xs, 35, 3)).toBe(3);
  });
  it('minStep ignores gaps and duplicates', () => {
    expect(minStep(Float64Array.from([0, 60, 120, 600, 660]))).toBe(60);
    expect(minStep(Float64Array.from([0, 0, 60]))).toBe(60);
    expect(minStep(Float64Array.from([5]))).toBeNaN();
    expect(minStep(xs, 0)).toBeNaN();
  });
});

describe('scale ranges', () => {
  it('pads the price range, more below for the volume', () => {
    const [lo, hi] = priceRange(100, 200);
    expect(lo).toBeLessThan(100);
    expect(hi).toBeGreaterThan(200);
    expect(100 - lo).toBeGreaterThan(hi - 200);
  });
  it('widens a flat or empty range', () => {
    const [lo, hi] = priceRange(50_000, 50_000);
    expect(lo).toBeLessThan(50_000);
    expect(hi).toBeGreaterThan(50_000);
    expect(priceRange(0, 0)[1]).toBeGreaterThan(0);
    expect(priceRange(null, null)).toEqual([0, 1]);
  });
  it('puts the tallest volume bar at a fifth of the height', () => {
    expect(volumeRange(50)).toEqual([0, 250]);
    expect(volumeRange(0)).toEqual([0, 5]);
    expect(volumeRange(null)).toEqual([0, 5]);
  });
});
