import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { macd } from './macd.js';
import { ema } from './moving-averages.js';
import { naiveSmoothing, prices } from './test-support/naive.js';

describe('macd', () => {
  it('is EMA(fast) - EMA(slow), its signal an SMA-seeded EMA of it, and hist their difference', () => {
    fc.assert(
      fc.property(
        prices({ maxLength: 120, nan: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (src, fast, extra, signal) => {
          const slow = fast + extra;
          const out = macd(src, fast, slow, signal);
          const f = naiveSmoothing(src, fast, 2 / (fast + 1));
          const s = naiveSmoothing(src, slow, 2 / (slow + 1));
          const line = Float64Array.from(f, (x, i) => x - (s[i] as number));
          const sig = naiveSmoothing(line, signal, 2 / (signal + 1));
          for (let i = 0; i < src.length; i++) {
            const scale = Math.abs(s[i] as number) + 1;
            for (const [got, want] of [
              [out.macd[i], line[i]],
              [out.signal[i], sig[i]],
              [out.hist[i], (line[i] as number) - (sig[i] as number)],
            ] as [number, number][]) {
              if (Number.isNaN(want)) expect(got).toBeNaN();
              else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * scale);
            }
          }
        },
      ),
    );
  });

  it('starts the line at slow - 1 and the signal at slow + signal - 2', () => {
    const src = Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i));
    const out = macd(src);
    expect(out.macd.findIndex((x) => !Number.isNaN(x))).toBe(25);
    expect(out.signal.findIndex((x) => !Number.isNaN(x))).toBe(33);
    expect(out.hist.findIndex((x) => !Number.isNaN(x))).toBe(33);
    // The seed of the signal is the plain mean of the first nine MACD values.
    let seed = 0;
    for (let i = 25; i <= 33; i++) seed += out.macd[i] as number;
    expect(out.signal[33]).toBeCloseTo(seed / 9, 12);
    expect(out.macd[40]).toBeCloseTo((ema(src, 12)[40] as number) - (ema(src, 26)[40] as number), 12);
  });

  it('refuses fast >= slow and bad periods, saying what to pass', () => {
    const src = new Float64Array(50);
    expect(() => macd(src, 26, 12, 9)).toThrow(/fast \(26\) must be shorter than slow \(12\)/);
    expect(() => macd(src, 12, 12, 9)).toThrow(RangeError);
    expect(() => macd(src, 12, 26, 0)).toThrow(/^macd: signal must be a whole number/);
    expect(() => macd(src, 0.5, 26, 9)).toThrow(/^macd: fast must be a whole number/);
  });
});
