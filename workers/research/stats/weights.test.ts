import { describe, expect, it } from 'vitest';
import { equalWeights, inverseVolatilityWeights } from './weights.js';

describe('simple weightings', () => {
  it('splits equally', () => {
    expect(Array.from(equalWeights(4))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(() => equalWeights(0)).toThrow(RangeError);
  });

  it('weights by inverse volatility, summing to 1', () => {
    const w = inverseVolatilityWeights([0.1, 0.2, 0.4]);
    // 1/0.1 : 1/0.2 : 1/0.4 = 4 : 2 : 1.
    expect(w[0]).toBeCloseTo(4 / 7, 15);
    expect(w[1]).toBeCloseTo(2 / 7, 15);
    expect(w[2]).toBeCloseTo(1 / 7, 15);
  });

  it('refuses a volatility that is zero, negative or missing', () => {
    expect(() => inverseVolatilityWeights([0.1, 0])).toThrow(/asset 1/);
    expect(() => inverseVolatilityWeights([NaN])).toThrow(RangeError);
    expect(() => inverseVolatilityWeights([])).toThrow(RangeError);
  });
});
