import { describe, expect, it } from 'vitest';
import { delayAfter, FREE_TRIES, waitBeforeTry } from './throttle.js';

describe('wrong-try throttle', () => {
  it('lets five tries through, then doubles the wait up to a cap', () => {
    expect(FREE_TRIES).toBe(5);
    expect([1, 2, 3, 4].map(delayAfter)).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8].map(delayAfter)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(delayAfter(40)).toBe(15 * 60_000);
  });

  it('counts the wait from the last failure', () => {
    expect(waitBeforeTry(undefined, 1_000)).toBe(0);
    expect(waitBeforeTry({ count: 6, lastAt: 1_000 }, 4_000)).toBe(7_000);
    expect(waitBeforeTry({ count: 6, lastAt: 1_000 }, 11_000)).toBe(0);
  });
});
