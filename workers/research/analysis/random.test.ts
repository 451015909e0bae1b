import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';

describe('seededRandom', () => {
  it('repeats from a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    expect(seededRandom(2 ** 32 + 1).next()).not.toBe(seededRandom(1).next());
  });

  it('draws uniform indexes: every bucket near its share, mean near the middle', () => {
    const r = seededRandom(7);
    const n = 10;
    const draws = 200_000;
    const counts = new Array<number>(n).fill(0);
    let outside = 0;
    for (let k = 0; k < draws; k++) {
      const i = r.index(n);
      if (Number.isInteger(i) && i >= 0 && i < n) counts[i]!++;
      else outside++;
    }
    expect(outside).toBe(0);
    // Each count is Binomial(200000, 0.1): sd about 134, so 5 sd is 670.
    for (const c of counts) expect(Math.abs(c - draws / n)).toBeLessThan(670);
    let sum = 0;
    for (let k = 0; k < draws; k++) sum += r.next();
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.005);
  });

  it('refuses a seed that is not a safe whole number', () => {
    for (const seed of [NaN, Infinity, 1.7, -0.5, 2 ** 53, -(2 ** 53)])
      expect(() => seededRandom(seed), String(seed)).toThrow(RangeError);
    expect(() => seededRandom(1.7)).toThrow('whole number');
  });

  it('gives different streams to seeds that share their low 32 bits or differ only in sign', () => {
    const first = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    const seeds = [
      0,
      1,
      -1,
      2,
      -2,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      -(2 ** 32),
      -(2 ** 32) + 1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ];
    const streams = seeds.map(first);
    for (let a = 0; a < seeds.length; a++)
      for (let b = a + 1; b < seeds.length; b++)
        // Each of the first draws differs: the high bits reach every word of the state.
        streams[a]!.forEach((x, k) =>
          expect(x, `${seeds[a]} vs ${seeds[b]} at ${k}`).not.toBe(streams[b]![k]),
        );
  });
});
