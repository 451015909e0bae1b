/**
 * Ring buffers of recent trades and aggregate trades (typed arrays, no per-trade objects).
 *
 * Ids are consecutive, so a trade's slot follows from its id and no search is needed for fromId.
 * Only the last `capacity` entries are kept: that is all /trades, /aggTrades and the streams need.
 */

export interface TradeRow {
  id: number;
  price: number;
  qty: number;
  time: number;
  isBuyerMaker: boolean;
}

export interface AggTradeRow extends TradeRow {
  firstTradeId: number;
  lastTradeId: number;
}

export class TradeTape {
  /** Total entries ever added; entry `i` has id `firstId + i`. */
  count = 0;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly time: Float64Array;
  readonly buyerMaker: Uint8Array;
  /** Aggregate tapes only: the raw trade ids each entry covers. */
  readonly firstTradeId: Float64Array;
  readonly lastTradeId: Float64Array;

  constructor(
    readonly capacity: number,
    /** Id of the first entry ever added. */
    readonly firstId = 1,
    aggregate = false,
  ) {
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.buyerMaker = new Uint8Array(capacity);
    this.firstTradeId = new Float64Array(aggregate ? capacity : 0);
    this.lastTradeId = new Float64Array(aggregate ? capacity : 0);
  }

  /** Id of the oldest entry still held. */
  get oldestId(): number {
    return this.firstId + Math.max(0, this.count - this.capacity);
  }

  /** Id the next entry will get (one past the newest). */
  get endId(): number {
    return this.firstId + this.count;
  }

  add(price: number, qty: number, time: number, buyerMaker: boolean, tradeId = 0): number {
    const slot = this.count % this.capacity;
    this.price[slot] = price;
    this.qty[slot] = qty;
    this.time[slot] = time;
    this.buyerMaker[slot] = buyerMaker ? 1 : 0;
    if (this.firstTradeId.length > 0) {
      this.firstTradeId[slot] = tradeId;
      this.lastTradeId[slot] = tradeId;
    }
    this.count++;
    return this.firstId + this.count - 1;
  }

  /** Aggregate tapes: folds another fill (same taker order, same price) into the newest entry. */
  extendLast(qty: number, tradeId: number): void {
    const slot = (this.count - 1) % this.capacity;
    this.qty[slot] = (this.qty[slot] as number) + qty;
    this.lastTradeId[slot] = tradeId;
  }

  has(id: number): boolean {
    return id >= this.oldestId && id < this.endId;
  }

  slot(id: number): number {
    return (id - this.firstId) % this.capacity;
  }

  row(id: number): TradeRow {
    const s = this.slot(id);
    return {
      id,
      price: this.price[s] as number,
      qty: this.qty[s] as number,
      time: this.time[s] as number,
      isBuyerMaker: this.buyerMaker[s] === 1,
    };
  }

  aggRow(id: number): AggTradeRow {
    const s = this.slot(id);
    return {
      ...this.row(id),
      firstTradeId: this.firstTradeId[s] as number,
      lastTradeId: this.lastTradeId[s] as number,
    };
  }

  timeOf(id: number): number {
    return this.time[this.slot(id)] as number;
  }

  /** First held id whose time is >= `t` (endId if none); times are non-decreasing. */
  firstIdAtOrAfter(t: number): number {
    let lo = this.oldestId;
    let hi = this.endId;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.timeOf(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
