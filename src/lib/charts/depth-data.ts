/**
 * Cumulative depth from a book's top levels, laid out for uPlot: one ascending x array (bid prices
 * low to high, then ask prices low to high) and one y array per side with nulls on the other side.
 */

export interface Depth {
  /** Points in use: nb bid points at [0, nb), then na ask points at [nb, nb + na). */
  n: number;
  nb: number;
  na: number;
  /** Prices, ascending. */
  xs: number[];
  /** Cumulative bid size at each bid point (best bid outwards), null on ask points. */
  bidCum: (number | null)[];
  /** Cumulative ask size at each ask point (best ask outwards), null on bid points. */
  askCum: (number | null)[];
  /** Cumulative size at each point, whichever side. */
  cum: number[];
  /** Cumulative notional (sum of price x size) at each point, whichever side. */
  notional: number[];
  /** Best prices among the levels used (NaN when a side is empty). */
  bestBid: number;
  bestAsk: number;
  totalBid: number;
  totalAsk: number;
}

export function createDepth(): Depth {
  return {
    n: 0,
    nb: 0,
    na: 0,
    xs: [],
    bidCum: [],
    askCum: [],
    cum: [],
    notional: [],
    bestBid: NaN,
    bestAsk: NaN,
    totalBid: 0,
    totalAsk: 0,
  };
}

const usable = (price: number, size: number) => Number.isFinite(price) && price > 0 && size > 0;

/**
 * Fills `out` (reused between updates to spare allocations) from interleaved best-first levels.
 * Levels with a non-positive size, out of order, or crossing the other side are left out.
 */
export function computeDepth(
  bids: ArrayLike<number>,
  asks: ArrayLike<number>,
  out: Depth = createDepth(),
): Depth {
  // Count usable bids first: they are written back to front so x ascends.
  let nb = 0;
  let prev = Infinity;
  for (let i = 0; i + 1 < bids.length; i += 2) {
    const p = bids[i] as number;
    if (usable(p, bids[i + 1] as number) && p < prev) {
      nb++;
      prev = p;
    }
  }
  const bestBid = nb > 0 ? findBest(bids) : NaN;

  let na = 0;
  prev = nb > 0 ? bestBid : -Infinity;
  for (let i = 0; i + 1 < asks.length; i += 2) {
    const p = asks[i] as number;
    if (usable(p, asks[i + 1] as number) && p > prev) {
      na++;
      prev = p;
    }
  }

  const n = nb + na;
  out.xs.length = out.bidCum.length = out.askCum.length = out.cum.length = out.notional.length = n;

  let cum = 0;
  let notional = 0;
  let k = nb - 1;
  prev = Infinity;
  for (let i = 0; i + 1 < bids.length && k >= 0; i += 2) {
    const p = bids[i] as number;
    const s = bids[i + 1] as number;
    if (!(usable(p, s) && p < prev)) continue;
    prev = p;
    cum += s;
    notional += p * s;
    out.xs[k] = p;
    out.bidCum[k] = cum;
    out.askCum[k] = null;
    out.cum[k] = cum;
    out.notional[k] = notional;
    k--;
  }
  out.totalBid = cum;

  cum = 0;
  notional = 0;
  k = nb;
  prev = nb > 0 ? bestBid : -Infinity;
  for (let i = 0; i + 1 < asks.length && k < n; i += 2) {
    const p = asks[i] as number;
    const s = asks[i + 1] as number;
    if (!(usable(p, s) && p > prev)) continue;
    prev = p;
    cum += s;
    notional += p * s;
    out.xs[k] = p;
    out.bidCum[k] = null;
    out.askCum[k] = cum;
    out.cum[k] = cum;
    out.notional[k] = notional;
    k++;
  }
  out.totalAsk = cum;

  out.n = n;
  out.nb = nb;
  out.na = na;
  out.bestBid = bestBid;
  out.bestAsk = na > 0 ? (out.xs[nb] as number) : NaN;
  return out;
}

function findBest(bids: ArrayLike<number>): number {
  for (let i = 0; i + 1 < bids.length; i += 2) {
    const p = bids[i] as number;
    if (usable(p, bids[i + 1] as number)) return p;
  }
  return NaN;
}

export interface DepthHit {
  side: 'bid' | 'ask' | 'spread';
  /** Size that trades between the best price on that side and `price` (0 inside the spread). */
  cumSize: number;
  /** Price x size summed over the same levels. */
  cumNotional: number;
  /** Levels from the best price up to and including `price`. */
  levels: number;
}

/**
 * What a market order would sweep to reach `price`: bids at or above it when it is at or below the
 * best bid, asks at or below it when it is at or above the best ask, nothing inside the spread.
 * Past the deepest level shown, the whole side.
 */
export function depthAt(d: Depth, price: number): DepthHit | null {
  if (d.n === 0 || !Number.isFinite(price)) return null;
  if (d.nb > 0 && price <= d.bestBid) {
    // First bid point at or above price; everything from there to the best bid is swept.
    let lo = 0;
    let hi = d.nb;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((d.xs[mid] as number) < price) lo = mid + 1;
      else hi = mid;
    }
    const i = Math.min(lo, d.nb - 1);
    return {
      side: 'bid',
      cumSize: d.cum[i] as number,
      cumNotional: d.notional[i] as number,
      levels: d.nb - i,
    };
  }
  if (d.na > 0 && price >= d.bestAsk) {
    // Last ask point at or below price.
    let lo = d.nb;
    let hi = d.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((d.xs[mid] as number) <= price) lo = mid + 1;
      else hi = mid;
    }
    const i = Math.max(lo - 1, d.nb);
    return {
      side: 'ask',
      cumSize: d.cum[i] as number,
      cumNotional: d.notional[i] as number,
      levels: i - d.nb + 1,
    };
  }
  return { side: 'spread', cumSize: 0, cumNotional: 0, levels: 0 };
}

/**
 * x range centred on the mid price, wide enough for the deeper side, so the spread sits in the middle.
 * With one side empty it centres on that side's best price. Null when there is nothing to show.
 */
export function depthXRange(d: Depth, margin = 0.02): [number, number] | null {
  if (d.n === 0) return null;
  const lo = d.xs[0] as number;
  const hi = d.xs[d.n - 1] as number;
  let mid: number;
  if (d.nb > 0 && d.na > 0) mid = (d.bestBid + d.bestAsk) / 2;
  else mid = d.nb > 0 ? d.bestBid : d.bestAsk;
  let half = Math.max(mid - lo, hi - mid);
  if (!(half > 0)) half = Math.abs(mid) * 0.001 || 1;
  half *= 1 + margin;
  return [mid - half, mid + half];
}
