import { BookSide } from './book-side.js';

/** Price/size pairs, interleaved: [p0, s0, p1, s1, ...]. Cheap to build, validate and transfer. */
export type Levels = Float64Array;

/** A view of the top of the book, ready for a ladder and a depth chart. */
export interface BookView {
  symbol: string;
  nonce: number;
  time: number;
  /** Best first, interleaved price/size. */
  bids: Levels;
  asks: Levels;
  bestBid: number;
  bestAsk: number;
  /** Levels on each side in the whole book (the view holds at most `depth`). */
  bidLevels: number;
  askLevels: number;
}

export class L2Book {
  readonly bids = new BookSide('bid');
  readonly asks = new BookSide('ask');
  nonce = -1;
  time = 0;

  constructor(readonly symbol: string) {}

  reset(bids: Levels, asks: Levels, nonce: number, time: number): void {
    this.bids.clear();
    this.asks.clear();
    this.applyLevels(this.bids, bids);
    this.applyLevels(this.asks, asks);
    this.nonce = nonce;
    this.time = time;
  }

  /** Applies absolute level sizes (0 removes) from one diff. */
  apply(bids: Levels, asks: Levels, nonce: number, time: number): void {
    this.applyLevels(this.bids, bids);
    this.applyLevels(this.asks, asks);
    this.nonce = nonce;
    this.time = time;
  }

  /** A crossed book after a complete diff means the local copy is wrong and needs a new snapshot. */
  isCrossed(): boolean {
    const bid = this.bids.bestPrice();
    const ask = this.asks.bestPrice();
    return bid === bid && ask === ask && bid >= ask;
  }

  view(depth: number): BookView {
    const bids = new Float64Array(depth * 2);
    const asks = new Float64Array(depth * 2);
    const nb = this.bids.top(depth, bids);
    const na = this.asks.top(depth, asks);
    return {
      symbol: this.symbol,
      nonce: this.nonce,
      time: this.time,
      bids: nb * 2 === bids.length ? bids : bids.slice(0, nb * 2),
      asks: na * 2 === asks.length ? asks : asks.slice(0, na * 2),
      bestBid: this.bids.bestPrice(),
      bestAsk: this.asks.bestPrice(),
      bidLevels: this.bids.length,
      askLevels: this.asks.length,
    };
  }

  private applyLevels(side: BookSide, levels: Levels): void {
    for (let i = 0; i + 1 < levels.length; i += 2) side.set(levels[i] as number, levels[i + 1] as number);
  }
}
