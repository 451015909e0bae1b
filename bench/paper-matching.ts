import { OrderBook, Side, type IProcessOrder, type LimitOrderOptions } from 'nodejs-order-book';
import { Decimal } from '../workers/money/decimal.js';
import type { MarketRules } from '../workers/money/market-rules.js';
import {
  matchOnArrival,
  type ArrivingOrder,
  type BookSides,
} from '../workers/trading/paper/paper-matcher.js';
import { mulberry32 } from './random.js';

/**
 * Paper matching throughput: market and marketable-limit (IOC) orders per second walking a book of
 * `levels` levels a side. Lyra's paper matcher (exact decimals, reads the book view and never changes it)
 * against nodejs-order-book (a float64 price-time matching engine) on the same orders and the same book,
 * in the same process. The peer's book is consumed by each order, so the levels it took are put back
 * after each one, outside the timed section; both sides are timed per order the same way.
 *
 * How deep an order walks is log-uniform over 1..levels levels (median about sqrt(levels)), so most
 * orders take a few levels and some sweep most of the book.
 */
export interface PaperBenchOptions {
  orders: number;
  levels: number;
  rounds: number;
  seed: number;
  /** Share of market orders; the rest are marketable IOC limits. Default 0.5. */
  marketShare?: number;
}

const tick = 0.01;
const lot = 0.00001;
const mid = 50_000;

interface Workload {
  /** Level prices and sizes as the feed gives them: float64, sizes whole lots. */
  asks: Array<[number, number]>;
  bids: Array<[number, number]>;
  book: BookSides;
  orders: Array<{ side: 'buy' | 'sell'; market: boolean; size: number; price: number }>;
  lyraOrders: ArrivingOrder[];
}

function makeWorkload(o: PaperBenchOptions): Workload {
  const rand = mulberry32(o.seed);
  const marketShare = o.marketShare ?? 0.5;
  const asks: Array<[number, number]> = [];
  const bids: Array<[number, number]> = [];
  const askLots: number[] = [];
  const bidLots: number[] = [];
  for (let k = 0; k < o.levels; k++) {
    const a = 1 + Math.floor(rand() * 500_000);
    const b = 1 + Math.floor(rand() * 500_000);
    askLots.push(a);
    bidLots.push(b);
    asks.push([Number((mid + tick * (k + 1)).toFixed(2)), Number((a * lot).toFixed(5))]);
    bids.push([Number((mid - tick * (k + 1)).toFixed(2)), Number((b * lot).toFixed(5))]);
  }
  const orders: Workload['orders'] = [];
  for (let i = 0; i < o.orders; i++) {
    const side = rand() < 0.5 ? 'buy' : 'sell';
    const levels = side === 'buy' ? asks : bids;
    const lots = side === 'buy' ? askLots : bidLots;
    const depth = Math.min(o.levels, Math.floor(o.levels ** rand())); // 1..levels, log-uniform
    let cum = 0;
    for (let k = 0; k < depth; k++) cum += lots[k] as number;
    // End somewhere inside the deepest level, or a little beyond it (a limit then expires the rest).
    const last = lots[depth - 1] as number;
    const total = Math.max(1, cum - last + Math.floor(last * rand() * 1.2));
    orders.push({
      side,
      market: rand() < marketShare,
      size: Number((total * lot).toFixed(5)),
      price: (levels[depth - 1] as [number, number])[0],
    });
  }
  const flat = (xs: Array<[number, number]>) => new Float64Array(xs.flat());
  const lyraOrders = orders.map((x): ArrivingOrder => ({
    side: x.side,
    limit: x.market ? null : Decimal.from(x.price),
    remaining: Decimal.from(x.size),
    tif: 'IOC',
    postOnly: false,
  }));
  return { asks, bids, book: { asks: flat(asks), bids: flat(bids) }, orders, lyraOrders };
}

const rules: MarketRules = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  tick: Decimal.from(tick),
  step: Decimal.from(lot),
  minAmount: null,
  minNotional: null,
  maker: Decimal.from('0.001'),
  taker: Decimal.from('0.001'),
  priceDecimals: 2,
  amountDecimals: 5,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function runLyra(w: Workload): { seconds: number; filled: number[] } {
  const filled = new Array<number>(w.lyraOrders.length);
  let seconds = 0;
  for (let i = 0; i < w.lyraOrders.length; i++) {
    const t0 = performance.now();
    const r = matchOnArrival(w.lyraOrders[i] as ArrivingOrder, w.book, rules);
    seconds += performance.now() - t0;
    filled[i] = Decimal.sum(r.fills.map((f) => f.amount)).toNumber();
  }
  return { seconds: seconds / 1000, filled };
}

function seedPeer(w: Workload): { book: OrderBook; makers: Map<string, LimitOrderOptions> } {
  const book = new OrderBook();
  const makers = new Map<string, LimitOrderOptions>();
  w.asks.forEach(([price, size], k) => makers.set(`a${k}`, { id: `a${k}`, side: Side.SELL, size, price }));
  w.bids.forEach(([price, size], k) => makers.set(`b${k}`, { id: `b${k}`, side: Side.BUY, size, price }));
  for (const m of makers.values()) book.limit(m);
  return { book, makers };
}

/** Puts back the resting orders an order consumed, so every order meets the same book. */
function restorePeer(book: OrderBook, makers: Map<string, LimitOrderOptions>, r: IProcessOrder): void {
  for (const done of r.done) {
    const m = makers.get(done.id);
    if (m) book.limit(m);
  }
  const partial = r.partial && makers.get(r.partial.id);
  if (partial) {
    book.cancel(partial.id);
    book.limit(partial);
  }
}

function runPeer(w: Workload): { seconds: number; filled: number[] } {
  const { book, makers } = seedPeer(w);
  const filled = new Array<number>(w.orders.length);
  const ioc = 'IOC' as LimitOrderOptions['timeInForce'];
  let seconds = 0;
  for (let i = 0; i < w.orders.length; i++) {
    const o = w.orders[i] as Workload['orders'][number];
    const side = o.side === 'buy' ? Side.BUY : Side.SELL;
    const t0 = performance.now();
    const r = o.market
      ? book.market({ side, size: o.size })
      : book.limit({ id: `o${i}`, side, size: o.size, price: o.price, timeInForce: ioc });
    seconds += performance.now() - t0;
    if (r.err) throw new Error(`peer rejected order ${i}: ${r.err.message}`);
    filled[i] = o.size - r.quantityLeft;
    restorePeer(book, makers, r);
  }
  const [bids, asks] = book.depth();
  if (bids.length !== w.bids.length || asks.length !== w.asks.length)
    throw new Error('peer book was not restored between orders: the benchmark is invalid');
  return { seconds: seconds / 1000, filled };
}

export function benchPaperMatching(o: PaperBenchOptions) {
  const w = makeWorkload(o);
  const lyra: number[] = [];
  const peer: number[] = [];
  let mismatches = 0;
  let levelsWalked = 0;
  for (let r = 0; r < o.rounds; r++) {
    // Alternate the two so drift in machine load falls on both alike.
    const a = runLyra(w);
    const b = runPeer(w);
    lyra.push(o.orders / a.seconds);
    peer.push(o.orders / b.seconds);
    if (r === 0) {
      // Same orders, same book: both must fill the same amounts (the peer in floats, so nearly).
      for (let i = 0; i < o.orders; i++) {
        const x = a.filled[i] as number;
        if (Math.abs(x - (b.filled[i] as number)) > 1e-9 * Math.max(1, x)) mismatches++;
      }
      for (const ord of w.lyraOrders) levelsWalked += matchOnArrival(ord, w.book, rules).fills.length;
    }
  }
  if (mismatches > 0)
    throw new Error(`Lyra and the peer filled ${mismatches} orders differently: the benchmark is invalid`);
  const lyraRate = median(lyra);
  const peerRate = median(peer);
  return {
    name: 'paper-matching-market-and-ioc-limit',
    unit: 'orders/s',
    params: {
      ...o,
      marketShare: o.marketShare ?? 0.5,
      meanLevelsPerOrder: Number((levelsWalked / o.orders).toFixed(1)),
    },
    lyra: Math.round(lyraRate),
    peer: { name: 'nodejs-order-book 10.1.1 (float64 matching engine)', value: Math.round(peerRate) },
    ratio: Number((lyraRate / peerRate).toFixed(2)),
  };
}
