import ccxt from 'ccxt';
import { L2Book } from '../workers/market/order-book.js';
import { mulberry32 } from './random.js';

/**
 * L2 book updates per second: Lyra's typed-array book against ccxt's own OrderBook, fed the same
 * pre-generated delta stream in the same process. The stream keeps about `levels` levels a side:
 * prices fall on a tick grid slightly wider than the book, and `deleteShare` of updates are deletions.
 */
export interface BookBenchOptions {
  updates: number;
  levels: number;
  deleteShare: number;
  rounds: number;
  seed: number;
  /** Read the top 20 levels of each side after every this many updates (0: never), as a UI would. */
  readEvery: number;
}

interface DeltaStream {
  isBid: Uint8Array;
  price: Float64Array;
  size: Float64Array;
  snapshotBids: Array<[number, number]>;
  snapshotAsks: Array<[number, number]>;
}

function makeStream(o: BookBenchOptions): DeltaStream {
  const rand = mulberry32(o.seed);
  const tick = 0.01;
  const mid = 50_000;
  // With deletes at share d and uniform prices over S slots, the book settles near (1 - d) * S levels.
  const slots = Math.round(o.levels / (1 - o.deleteShare));
  const priceAt = (isBid: boolean, k: number) =>
    Number((isBid ? mid - tick * (k + 1) : mid + tick * (k + 1)).toFixed(2));
  const snapshotBids: Array<[number, number]> = [];
  const snapshotAsks: Array<[number, number]> = [];
  for (let k = 0; k < o.levels; k++) {
    snapshotBids.push([priceAt(true, k), 0.001 + rand() * 5]);
    snapshotAsks.push([priceAt(false, k), 0.001 + rand() * 5]);
  }
  const isBid = new Uint8Array(o.updates);
  const price = new Float64Array(o.updates);
  const size = new Float64Array(o.updates);
  for (let i = 0; i < o.updates; i++) {
    const bid = rand() < 0.5;
    isBid[i] = bid ? 1 : 0;
    price[i] = priceAt(bid, Math.floor(rand() * slots));
    size[i] = rand() < o.deleteShare ? 0 : Number((0.001 + rand() * 5).toFixed(5));
  }
  return { isBid, price, size, snapshotBids, snapshotAsks };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

let sink = 0;

function runLyra(s: DeltaStream, readEvery: number): { seconds: number; book: L2Book } {
  const book = new L2Book('BTC/USDT');
  book.reset(new Float64Array(s.snapshotBids.flat()), new Float64Array(s.snapshotAsks.flat()), 1, 0);
  const { isBid, price, size } = s;
  const n = price.length;
  const out = new Float64Array(40);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    (isBid[i] === 1 ? book.bids : book.asks).set(price[i] as number, size[i] as number);
    if (readEvery > 0 && i % readEvery === 0) {
      book.bids.top(20, out);
      sink += out[38] as number;
      book.asks.top(20, out);
      sink += out[38] as number;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, book };
}

type CcxtBook = ReturnType<InstanceType<typeof ccxt.binance>['orderBook']>;

function runCcxt(s: DeltaStream, readEvery: number): { seconds: number; book: CcxtBook } {
  const exchange = new ccxt.binance();
  const book = exchange.orderBook({ bids: s.snapshotBids, asks: s.snapshotAsks });
  const { isBid, price, size } = s;
  const n = price.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    (isBid[i] === 1 ? book.bids : book.asks).store(price[i] as number, size[i] as number);
    if (readEvery > 0 && i % readEvery === 0) {
      // ccxt keeps its sides sorted as arrays of [price, size]: reading the top is indexing.
      for (let j = 0; j < 20; j++) sink += ((book.bids[j]?.[1] ?? 0) + (book.asks[j]?.[1] ?? 0)) * 0;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, book };
}

export function benchBookUpdates(o: BookBenchOptions) {
  const stream = makeStream(o);
  const lyra: number[] = [];
  const peer: number[] = [];
  let finalLyra: L2Book | undefined;
  let finalCcxt: CcxtBook | undefined;
  // Alternate the two so drift in machine load falls on both alike.
  for (let r = 0; r < o.rounds; r++) {
    const a = runLyra(stream, o.readEvery);
    const b = runCcxt(stream, o.readEvery);
    lyra.push(o.updates / a.seconds);
    peer.push(o.updates / b.seconds);
    finalLyra = a.book;
    finalCcxt = b.book;
  }
  // Both books must end identical, or the comparison measures different work.
  const view = finalLyra!.view(50);
  const same =
    finalCcxt!.bids.length === view.bidLevels &&
    finalCcxt!.asks.length === view.askLevels &&
    finalCcxt!.bids
      .slice(0, 50)
      .every((l, i) => l[0] === view.bids[2 * i] && l[1] === view.bids[2 * i + 1]) &&
    finalCcxt!.asks.slice(0, 50).every((l, i) => l[0] === view.asks[2 * i] && l[1] === view.asks[2 * i + 1]);
  if (!same) throw new Error('Lyra and ccxt books disagree after the same stream: the benchmark is invalid');
  const lyraRate = median(lyra);
  const ccxtRate = median(peer);
  if (sink !== sink) throw new Error('unreachable: keeps the reads from being optimised away');
  return {
    name: o.readEvery > 0 ? `l2-book-updates-reading-top20-every-${o.readEvery}` : 'l2-book-updates',
    unit: 'updates/s',
    params: { ...o, finalBidLevels: view.bidLevels, finalAskLevels: view.askLevels },
    lyra: Math.round(lyraRate),
    peer: { name: 'ccxt OrderBook (new binance().orderBook())', value: Math.round(ccxtRate) },
    ratio: Number((lyraRate / ccxtRate).toFixed(2)),
    goal: { ratioAtLeast: 5 },
    met: lyraRate / ccxtRate >= 5,
  };
}
