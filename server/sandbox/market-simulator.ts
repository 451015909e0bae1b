/**
 * One simulated symbol: the matching engine fed by the order-flow model, plus everything the
 * public API reads from it (1m candles, recent trades and aggregate trades, depth diffs).
 */
import { DAY } from './intervals.js';
import { KlineStore } from './kline-store.js';
import { BUY, CROWD, MatchingEngine, type EngineListener, type Order, type Side } from './matching-engine.js';
import type { Market } from './markets.js';
import { OrderFlow, flowFor, type FlowParams } from './order-flow.js';
import { DepthDiff } from './depth-diff.js';
import { Rng } from './prng.js';
import { TradeTape } from './trade-tape.js';

/** Recent trades kept per symbol (REST max is 1000; the rest is slack for streams and agg trades). */
export const TRADE_CAPACITY = 5000;

/** Executions and order updates that involve a non-crowd owner (for the private API to come). */
export type OwnerListener = Pick<EngineListener, 'onFill' | 'onOrder'>;

export interface SimulatorOptions {
  seed: number;
  /** Simulation epoch (minute-aligned ms): the book is seeded and history starts here. */
  origin: number;
  /** Expected history length, to size the candle arrays up front. */
  expectedMinutes?: number;
  flow?: Partial<FlowParams>;
}

export interface TickerStats {
  openTime: number;
  closeTime: number;
  /** Prices in ticks. */
  open: number;
  high: number;
  low: number;
  last: number;
  prevClose: number;
  /** Lots. */
  lastQty: number;
  volume: number;
  quoteVolume: number;
  count: number;
  firstId: number;
  lastId: number;
  bidPrice: number;
  bidQty: number;
  askPrice: number;
  askQty: number;
}

export class MarketSimulator implements EngineListener {
  readonly engine = new MatchingEngine();
  readonly trades = new TradeTape(TRADE_CAPACITY, 1);
  readonly aggTrades = new TradeTape(TRADE_CAPACITY, 1, true);
  readonly klines: KlineStore;
  readonly flow: OrderFlow;
  /** Depth changes since the last 100 ms and 1000 ms pushes. */
  readonly depthFast = new DepthDiff();
  readonly depthSlow = new DepthDiff();
  /** Off during the backfill, when nobody can be listening. */
  recordDepth = false;
  ownerListener: OwnerListener | null = null;
  /** Last execution time (ms), -1 before any. */
  lastTradeTime = -1;
  private aggTaker = -1;
  private aggPrice = -1;
  private aggTime = -1;

  constructor(
    readonly market: Market,
    options: SimulatorOptions,
  ) {
    this.klines = new KlineStore(
      options.origin,
      Math.round(market.startPrice / market.tick),
      options.expectedMinutes ?? 8 * 1440,
    );
    this.engine.listener = this;
    const params = { ...flowFor(market), ...options.flow };
    this.flow = new OrderFlow(this.engine, market, new Rng(options.seed, market.id), params, options.origin);
    this.klines.rollTo(options.origin);
  }

  advanceTo(t: number): void {
    this.flow.advanceTo(t);
    this.klines.rollTo(t);
  }

  onFill(tradeId: number, taker: Order, maker: Order, price: number, qty: number, time: number): void {
    const buyerMaker = maker.side === BUY;
    this.trades.add(price, qty, time, buyerMaker);
    // Binance aggregates fills of one taker order at one price into a single aggregate trade.
    if (taker.id === this.aggTaker && price === this.aggPrice && time === this.aggTime) {
      this.aggTrades.extendLast(qty, tradeId);
    } else {
      this.aggTrades.add(price, qty, time, buyerMaker, tradeId);
      this.aggTaker = taker.id;
      this.aggPrice = price;
      this.aggTime = time;
    }
    this.klines.addTrade(time, price, qty, price * qty * this.market.tickLotValue, !buyerMaker, tradeId);
    this.lastTradeTime = time;
    if (this.ownerListener !== null && (taker.owner !== CROWD || maker.owner !== CROWD)) {
      this.ownerListener.onFill(tradeId, taker, maker, price, qty, time);
    }
  }

  onLevel(side: Side, price: number, qty: number, updateId: number): void {
    if (!this.recordDepth) return;
    this.depthFast.record(side, price, qty, updateId);
    this.depthSlow.record(side, price, qty, updateId);
  }

  onOrder(order: Order): void {
    if (this.ownerListener !== null && order.owner !== CROWD) this.ownerListener.onOrder(order);
  }

  /** Last trade quantity in lots (0 before any trade). */
  get lastQty(): number {
    const id = this.trades.endId - 1;
    return this.trades.has(id) ? (this.trades.qty[this.trades.slot(id)] as number) : 0;
  }

  /** Binance's rolling-window ticker, built from 1m candles (the window starts on a minute). */
  ticker(now: number, windowMs = DAY): TickerStats {
    const from = now - windowMs;
    const candle = this.klines.aggregate(from, now + 1);
    const bid = this.engine.bestBid();
    const ask = this.engine.bestAsk();
    const last = this.klines.lastPrice;
    return {
      openTime: from,
      closeTime: now,
      open: candle?.open ?? last,
      high: candle?.high ?? last,
      low: candle?.low ?? last,
      last,
      prevClose: this.klines.closeBefore(from),
      lastQty: this.lastQty,
      volume: candle?.volume ?? 0,
      quoteVolume: candle?.quoteVolume ?? 0,
      count: candle?.trades ?? 0,
      firstId: candle?.firstTradeId ?? -1,
      lastId: candle?.lastTradeId ?? -1,
      bidPrice: bid?.price ?? 0,
      bidQty: bid?.total ?? 0,
      askPrice: ask?.price ?? 0,
      askQty: ask?.total ?? 0,
    };
  }
}
