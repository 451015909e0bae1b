import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDepth, createDepth, depthAt, depthXRange } from './depth-data';

const levels = (...pairs: [number, number][]) => Float64Array.from(pairs.flat());

describe('computeDepth', () => {
  const bids = levels([100, 1], [99, 2], [97, 3]);
  const asks = levels([101, 0.5], [102, 1.5], [105, 4]);
  const d = computeDepth(bids, asks);

  it('lays bids out ascending then asks ascending, with nulls for the other side', () => {
    expect(d.n).toBe(6);
    expect(d.nb).toBe(3);
    expect(d.na).toBe(3);
    expect(d.xs).toEqual([97, 99, 100, 101, 102, 105]);
    expect(d.bidCum).toEqual([6, 3, 1, null, null, null]);
    expect(d.askCum).toEqual([null, null, null, 0.5, 2, 6]);
  });

  it('accumulates size and notional from the best price outwards', () => {
    expect(d.cum).toEqual([6, 3, 1, 0.5, 2, 6]);
    expect(d.notional).toEqual([100 + 198 + 291, 100 + 198, 100, 50.5, 50.5 + 153, 50.5 + 153 + 420]);
    expect(d.bestBid).toBe(100);
    expect(d.bestAsk).toBe(101);
    expect(d.totalBid).toBe(6);
    expect(d.totalAsk).toBe(6);
  });

  it('reuses the output arrays and shrinks them', () => {
    const out = createDepth();
    const xs = out.xs;
    computeDepth(bids, asks, out);
    computeDepth(levels([100, 1]), new Float64Array(0), out);
    expect(out.xs).toBe(xs);
    expect(out.xs).toEqual([100]);
    expect(out.bidCum).toEqual([1]);
    expect(out.askCum).toEqual([null]);
    expect(out.bestAsk).toBeNaN();
  });

  it('skips empty, invalid, out-of-order and crossing levels', () => {
    const out = computeDepth(
      levels([100, 1], [100, 5], [99, 0], [98, NaN], [101, 2], [97, 2]),
      levels([99.5, 1], [100, 1], [102, 1], [101, 1], [103, -1], [104, 2]),
    );
    expect(out.xs).toEqual([97, 100, 102, 104]);
    expect(out.bidCum).toEqual([3, 1, null, null]);
    expect(out.askCum).toEqual([null, null, 1, 3]);
  });

  it('handles an empty book', () => {
    const out = computeDepth(new Float64Array(0), new Float64Array(0));
    expect(out.n).toBe(0);
    expect(depthAt(out, 100)).toBeNull();
    expect(depthXRange(out)).toBeNull();
  });

  it('keeps x ascending and the sides consistent for any book', () => {
    const side = fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 10_000 }).map((s) => s / 1000),
      ),
      {
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(side, side, (b, a) => {
        const bids = levels(...b.map(([p, s]) => [p, s] as [number, number]).sort((x, y) => y[0] - x[0]));
        const asks = levels(
          ...a.map(([p, s]) => [p + 250, s] as [number, number]).sort((x, y) => x[0] - y[0]),
        );
        const out = computeDepth(bids, asks);
        expect(out.xs.length).toBe(out.n);
        for (let i = 1; i < out.n; i++) expect(out.xs[i]).toBeGreaterThan(out.xs[i - 1] as number);
        for (let i = 0; i < out.n; i++) {
          const isBid = i < out.nb;
          expect(out.bidCum[i] === null).toBe(!isBid);
          expect(out.askCum[i] === null).toBe(isBid);
        }
        // Cumulative size grows away from the spread on both sides.
        for (let i = 1; i < out.nb; i++) expect(out.cum[i - 1]).toBeGreaterThan(out.cum[i] as number);
        for (let i = out.nb + 1; i < out.n; i++) expect(out.cum[i]).toBeGreaterThan(out.cum[i - 1] as number);
      }),
    );
  });
});

describe('depthAt', () => {
  const d = computeDepth(levels([100, 1], [99, 2], [97, 3]), levels([101, 0.5], [102, 1.5], [105, 4]));

  it('sums bids at or above the price', () => {
    expect(depthAt(d, 100)).toEqual({ side: 'bid', cumSize: 1, cumNotional: 100, levels: 1 });
    expect(depthAt(d, 99.5)).toEqual({ side: 'bid', cumSize: 1, cumNotional: 100, levels: 1 });
    expect(depthAt(d, 99)).toMatchObject({ side: 'bid', cumSize: 3, levels: 2 });
    expect(depthAt(d, 98)).toMatchObject({ side: 'bid', cumSize: 3, levels: 2 });
    expect(depthAt(d, 97)).toMatchObject({ side: 'bid', cumSize: 6, levels: 3 });
    expect(depthAt(d, 10)).toMatchObject({ side: 'bid', cumSize: 6, levels: 3 });
  });

  it('sums asks at or below the price', () => {
    expect(depthAt(d, 101)).toEqual({ side: 'ask', cumSize: 0.5, cumNotional: 50.5, levels: 1 });
    expect(depthAt(d, 104.9)).toMatchObject({ side: 'ask', cumSize: 2, levels: 2 });
    expect(depthAt(d, 105)).toMatchObject({ side: 'ask', cumSize: 6, levels: 3 });
    expect(depthAt(d, 1e9)).toMatchObject({ side: 'ask', cumSize: 6, levels: 3 });
  });

  it('reports the spread between the best prices', () => {
    expect(depthAt(d, 100.5)).toEqual({ side: 'spread', cumSize: 0, cumNotional: 0, levels: 0 });
    expect(depthAt(d, NaN)).toBeNull();
  });
});

describe('depthXRange', () => {
  it('centres on the mid price and covers the deeper side', () => {
    const d = computeDepth(levels([100, 1], [90, 1]), levels([101, 1], [103, 1]));
    const r = depthXRange(d, 0);
    expect(r).not.toBeNull();
    const [lo, hi] = r as [number, number];
    expect((lo + hi) / 2).toBeCloseTo(100.5);
    expect(lo).toBeLessThanOrEqual(90);
    expect(hi).toBeGreaterThanOrEqual(103);
  });
  it('centres on the only side present, widening a single level', () => {
    const d = computeDepth(levels([100, 1]), new Float64Array(0));
    const [lo, hi] = depthXRange(d) as [number, number];
    expect(lo).toBeLessThan(100);
    expect(hi).toBeGreaterThan(100);
    expect((lo + hi) / 2).toBeCloseTo(100);
  });
});
