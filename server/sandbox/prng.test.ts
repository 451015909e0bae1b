import { describe, expect, it } from 'vitest';
import { Rng, hashString } from './prng.js';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextU32());

describe('Rng', () => {
  it('replays the same sequence for the same seed and stream', () => {
    expect(draw(new Rng(42, 'BTCUSDT'), 1000)).toEqual(draw(new Rng(42, 'BTCUSDT'), 1000));
  });

  it('gives unrelated sequences for other seeds and streams', () => {
    const base = draw(new Rng(42, 'BTCUSDT'), 100);
    expect(draw(new Rng(43, 'BTCUSDT'), 100)).not.toEqual(base);
    expect(draw(new Rng(42, 'ETHUSDT'), 100)).not.toEqual(base);
    // Seeds beyond 32 bits must not alias their low word.
    expect(draw(new Rng(42 + 2 ** 32, 'BTCUSDT'), 100)).not.toEqual(base);
  });

  it('has sane distributions', () => {
    const rng = new Rng(1);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let expSum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.float();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      expSum += rng.exponential(2);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
    expect(Math.abs(expSum / n - 0.5)).toBeLessThan(0.01);
  });

  it('int(n) stays in range', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 10_000; i++) {
      const k = rng.int(7);
      expect(k >= 0 && k < 7 && Number.isInteger(k)).toBe(true);
    }
  });

  it('hashString is stable', () => {
    expect(hashString('BTCUSDT')).toBe(hashString('BTCUSDT'));
    expect(hashString('BTCUSDT')).not.toBe(hashString('ETHUSDT'));
  });
});
