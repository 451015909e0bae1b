import { describe, expect, it } from 'vitest';
import { correlatedClusters } from './clusters.js';
import { correlationShocks } from './correlation-shocks.js';

describe('correlationShocks', () => {
  const assets = ['BTC', 'ETH', 'SOL'];
  const longRun = Float64Array.from([1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1]);
  const ewma = Float64Array.from([1, 0.9, 0.25, 0.9, 1, -0.3, 0.25, -0.3, 1]);

  it('lists each pair beyond the threshold once, largest change first', () => {
    expect(correlationShocks(assets, ewma, longRun, 0.3)).toEqual([
      { a: 'ETH', b: 'SOL', ewma: -0.3, longRun: 0.3, change: -0.6 },
      { a: 'BTC', b: 'ETH', ewma: 0.9, longRun: 0.5, change: 0.4 },
    ]);
    expect(correlationShocks(assets, ewma, longRun, 0.7)).toEqual([]);
  });

  it('does not call an undefined correlation a shock', () => {
    const nan = Float64Array.from([1, NaN, 0, NaN, 1, 0, 0, 0, 1]);
    expect(correlationShocks(assets, nan, longRun, 0.1).map((s) => `${s.a}-${s.b}`)).toEqual([
      'ETH-SOL',
      'BTC-SOL',
    ]);
  });

  it('refuses matrices that do not match the asset list', () => {
    expect(() => correlationShocks(['A'], ewma, longRun, 0.1)).toThrow(/1 x 1/);
  });
});

describe('correlatedClusters', () => {
  it('joins assets transitively and drops singletons', () => {
    // 0-1 and 1-2 correlated, 0-2 not; 3 alone; 4-5 together.
    const n = 6;
    const c = new Float64Array(n * n);
    for (let i = 0; i < n; i++) c[i * n + i] = 1;
    const link = (i: number, j: number, v: number) => {
      c[i * n + j] = v;
      c[j * n + i] = v;
    };
    link(0, 1, 0.8);
    link(1, 2, 0.75);
    link(0, 2, 0.4);
    link(4, 5, 0.9);
    link(3, 4, NaN);
    expect(correlatedClusters(c, n, 0.7)).toEqual([
      [0, 1, 2],
      [4, 5],
    ]);
    expect(correlatedClusters(c, n, 0.85)).toEqual([[4, 5]]);
    expect(correlatedClusters(c, n, 0.95)).toEqual([]);
  });
});
