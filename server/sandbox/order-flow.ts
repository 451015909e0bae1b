/**
 * Zero-intelligence order flow (in the spirit of Smith, Farmer, Gillemot & Krishnamurthy 2003):
 * independent Poisson streams of limit orders, market orders and cancellations of random resting
 * orders, with a cancellation rate proportional to how many are resting.
 *
 * Pure ZI prices wander without scale, so limit prices are placed around a latent reference price
 * whose log follows a slowly mean-reverting random walk with the market's daily volatility.
 * Two refinements make the traded price follow that reference at the minute scale, which is what
 * makes 1m candles look like a real market's:
 * - two classes of limit orders: short-lived "quotes" near the touch (they are re-placed around
 *   the moving reference within seconds, like market makers re-quoting) and long-lived "depth"
 *   orders further out (the depth chart). Each class has its own Poisson cancellation rate.
 * - market orders lean toward the side the reference says is cheap (informed takers).
 * A wide spread is refilled quickly: some new quotes improve it, like liquidity providers after
 * a sweep.
 *
 * Everything is driven by one seeded PRNG per symbol and simulated integer milliseconds, and the
 * next event time is drawn before it is reached, so how `advanceTo` calls are chunked never
 * changes the outcome.
 */
import { BUY, CROWD, SELL, type MatchingEngine, type Side } from './matching-engine.js';
import type { Market } from './markets.js';
import type { Rng } from './prng.js';

const MS_PER_DAY = 86_400_000;
/**
 * The reference price moves in steps on this grid (ms): finer steps would be invisible in the
 * traded price, and each step costs a normal draw and an exp in the backfill's hottest loop.
 */
const REFERENCE_STEP_MS = 2000;
const QUOTES = 0;
const DEPTH = 1;

export interface LimitClass {
  /** Arrivals per second (before the market's activity multiplier). */
  rate: number;
  /** Mean resting lifetime in seconds: the per-order cancellation rate is its inverse. */
  lifetime: number;
  /** Distance from the reference: minBps + Lomax(scaleBps, alpha), capped at maxBps. */
  minBps: number;
  scaleBps: number;
  alpha: number;
  maxBps: number;
  /** Shift toward the other side, in bps: sets the fraction of marketable orders. */
  crossBps: number;
  /** Median notional relative to the market's median order notional. */
  sizeFactor: number;
}

export interface FlowParams {
  quotes: LimitClass;
  depth: LimitClass;
  /** Market order arrivals per second (before the activity multiplier). */
  marketRate: number;
  marketSizeFactor: number;
  /** Mispricing (bps between reference and mid) at which market orders lean 100% one way. */
  takerLeanBps: number;
  /** Above this spread (bps) half of the new quotes go inside the spread. */
  spreadFillBps: number;
  /** Lognormal sigma of order notional. */
  sizeSigma: number;
  /** Mean-reversion time of log price toward the start price, in days (keeps prices sane). */
  meanReversionDays: number;
}

/** Tuned for ~2 book changes/s and a trade every ~1.5 s per symbol at activity 1. */
export const DEFAULT_FLOW: FlowParams = {
  quotes: {
    rate: 0.75,
    lifetime: 30,
    minBps: 0,
    scaleBps: 3,
    alpha: 2.5,
    maxBps: 60,
    crossBps: 0.4,
    sizeFactor: 1,
  },
  depth: {
    rate: 0.2,
    lifetime: 3 * 3600,
    minBps: 4,
    scaleBps: 25,
    alpha: 1.3,
    maxBps: 900,
    crossBps: 0,
    sizeFactor: 1.5,
  },
  marketRate: 0.12,
  marketSizeFactor: 0.6,
  takerLeanBps: 3,
  spreadFillBps: 2,
  sizeSigma: 1.1,
  meanReversionDays: 30,
};

export function flowFor(market: Market, base: FlowParams = DEFAULT_FLOW): FlowParams {
  return {
    ...base,
    quotes: { ...base.quotes, rate: base.quotes.rate * market.activity },
    depth: { ...base.depth, rate: base.depth.rate * market.activity },
    marketRate: base.marketRate * market.activity,
  };
}

export class OrderFlow {
  /** Order-flow events processed so far (limit, market, cancel). */
  events = 0;
  private nextTime: number;
  private totalRate = 0;
  private logRef: number;
  private ref: number;
  private refStep: number;
  private readonly logStart: number;
  private readonly volPerSqrtMs: number;
  private readonly reversionPerMs: number;
  private readonly classes: readonly LimitClass[];
  private readonly negInvAlpha: readonly number[];
  private readonly cancelRates: readonly number[];

  constructor(
    private readonly engine: MatchingEngine,
    private readonly market: Market,
    private readonly rng: Rng,
    private readonly params: FlowParams,
    startTime: number,
  ) {
    this.logStart = Math.log(market.startPrice);
    this.logRef = this.logStart;
    this.ref = market.startPrice;
    this.refStep = Math.floor(startTime / REFERENCE_STEP_MS);
    this.volPerSqrtMs = market.dailyVolatility / Math.sqrt(MS_PER_DAY);
    this.reversionPerMs = 1 / (params.meanReversionDays * MS_PER_DAY);
    this.classes = [params.quotes, params.depth];
    this.cancelRates = this.classes.map((c) => 1 / c.lifetime);
    this.negInvAlpha = this.classes.map((c) => -1 / c.alpha);
    this.seedBook(startTime);
    this.updateRate();
    this.nextTime = startTime + this.drawGap();
  }

  /** Latent reference price (quote currency) as of its last evaluation. */
  get referencePrice(): number {
    return this.ref;
  }

  advanceTo(t: number): void {
    const p = this.params;
    const quoteRate = p.quotes.rate;
    const depthRate = quoteRate + p.depth.rate;
    const marketRate = depthRate + p.marketRate;
    const quoteCancelRate = this.cancelRates[QUOTES] as number;
    while (this.nextTime <= t) {
      const time = this.nextTime;
      const r = this.rng.float() * this.totalRate;
      if (r < quoteRate) this.placeLimit(time, QUOTES, true);
      else if (r < depthRate) this.placeLimit(time, DEPTH, true);
      else if (r < marketRate) this.placeMarket(time);
      else
        this.cancelRandom(
          time,
          r - marketRate < quoteCancelRate * this.engine.crowdCount(QUOTES) ? QUOTES : DEPTH,
        );
      this.events++;
      this.updateRate();
      this.nextTime = time + this.drawGap();
    }
  }

  /** The book at the epoch: each class at its steady-state size, never placed through the reference. */
  private seedBook(time: number): void {
    for (let pool = 0; pool < this.classes.length; pool++) {
      const c = this.classes[pool] as LimitClass;
      const n = Math.round(c.rate * c.lifetime * 0.8);
      for (let i = 0; i < n; i++) this.placeLimit(time, pool, false);
    }
  }

  private updateRate(): void {
    const p = this.params;
    const e = this.engine;
    this.totalRate =
      p.quotes.rate +
      p.depth.rate +
      p.marketRate +
      (this.cancelRates[QUOTES] as number) * e.crowdCount(QUOTES) +
      (this.cancelRates[DEPTH] as number) * e.crowdCount(DEPTH);
  }

  private drawGap(): number {
    return Math.floor(this.rng.exponential(this.totalRate) * 1000);
  }

  /**
   * The latent price at `time`: its log is an Ornstein-Uhlenbeck process (Euler steps; the
   * reversion is weak enough that they are exact for all practical purposes) sampled on a grid.
   * A gap of many grid steps is one draw: Gaussian increments add up exactly.
   */
  private reference(time: number): number {
    const step = Math.floor(time / REFERENCE_STEP_MS);
    const steps = step - this.refStep;
    if (steps > 0) {
      const dt = steps * REFERENCE_STEP_MS;
      const x = this.logRef - this.logStart;
      this.logRef =
        this.logStart +
        x * (1 - this.reversionPerMs * dt) +
        this.volPerSqrtMs * Math.sqrt(dt) * this.rng.normal();
      this.refStep = step;
      this.ref = Math.exp(this.logRef);
    }
    return this.ref;
  }

  private placeLimit(time: number, pool: number, live: boolean): void {
    const rng = this.rng;
    const m = this.market;
    const c = this.classes[pool] as LimitClass;
    const side: Side = rng.float() < 0.5 ? BUY : SELL;
    const median = m.medianNotional * c.sizeFactor;
    if (pool === QUOTES && live) {
      const u = rng.float();
      const bid = this.engine.bestBid();
      const ask = this.engine.bestAsk();
      if (u < 0.5 && bid !== undefined && ask !== undefined) {
        const gap = ask.price - bid.price;
        if (gap > 1 && gap * 1e4 > this.params.spreadFillBps * bid.price) {
          // u < 0.5 here, so 2u is a fresh uniform for the position strictly inside the spread.
          const ticks = bid.price + 1 + Math.floor(2 * u * (gap - 1));
          this.engine.limit(
            CROWD,
            side,
            ticks,
            this.drawLots(ticks, median),
            'GTC',
            false,
            time,
            null,
            'NONE',
            pool,
          );
          return;
        }
      }
    }
    const ref = this.reference(time);
    let bps = c.minBps + c.scaleBps * (Math.pow(1 - rng.float(), this.negInvAlpha[pool] as number) - 1);
    if (bps > c.maxBps) bps = c.maxBps;
    if (live) bps -= c.crossBps;
    const price = side === BUY ? ref * (1 - bps * 1e-4) : ref * (1 + bps * 1e-4);
    // Buys round down and sells up so an unshifted order never lands through the reference.
    let ticks = side === BUY ? Math.floor(price / m.tick) : Math.ceil(price / m.tick);
    if (ticks < 1) ticks = 1;
    else if (ticks > m.maxPriceTicks) ticks = m.maxPriceTicks;
    this.engine.limit(
      CROWD,
      side,
      ticks,
      this.drawLots(ticks, median),
      'GTC',
      false,
      time,
      null,
      'NONE',
      pool,
    );
  }

  private placeMarket(time: number): void {
    const m = this.market;
    const bid = this.engine.bestBid();
    const ask = this.engine.bestAsk();
    const ref = this.reference(time);
    let buyProbability = 0.5;
    if (bid !== undefined && ask !== undefined) {
      const mid = (bid.price + ask.price) * 0.5 * m.tick;
      buyProbability += ((ref - mid) / mid) * (1e4 / (2 * this.params.takerLeanBps));
      if (buyProbability < 0.05) buyProbability = 0.05;
      else if (buyProbability > 0.95) buyProbability = 0.95;
    }
    const side: Side = this.rng.float() < buyProbability ? BUY : SELL;
    const opposite = side === BUY ? ask : bid;
    // With an empty side the order could only expire; skip it.
    if (opposite === undefined) return;
    const lots = this.drawLots(opposite.price, m.medianNotional * this.params.marketSizeFactor);
    this.engine.market(CROWD, side, lots, 0, time, null, 'NONE');
  }

  private cancelRandom(time: number, pool: number): void {
    const n = this.engine.crowdCount(pool);
    if (n === 0) return;
    const order = this.engine.crowdOrderAt(pool, this.rng.int(n));
    if (order !== undefined) this.engine.cancel(order, time);
  }

  /** Lognormal notional around `median`, in lots, never below the minimum notional. */
  private drawLots(ticks: number, median: number): number {
    const m = this.market;
    const lotValue = ticks * m.tickLotValue;
    const notional = median * Math.exp(this.params.sizeSigma * this.rng.normal());
    const minLots = Math.ceil((m.minNotionalValue * 1.02) / lotValue);
    let lots = Math.round(notional / lotValue);
    if (lots < minLots) lots = minLots;
    if (lots > m.maxQtyLots) lots = m.maxQtyLots;
    return lots < 1 ? 1 : lots;
  }
}
