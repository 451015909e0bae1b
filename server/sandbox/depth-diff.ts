/**
 * Collects book level changes between two depth-stream pushes. Only the latest quantity per price
 * matters to a client replaying diffs, so levels are kept in a map; U/u are the first and last
 * book update ids folded in, which makes consecutive diffs chain exactly (U = previous u + 1).
 */
import { BUY, type Side } from './matching-engine.js';

export interface DepthChange {
  firstUpdateId: number;
  lastUpdateId: number;
  /** [price ticks, qty lots]; qty 0 deletes the level. Bids best first, asks best first. */
  bids: [number, number][];
  asks: [number, number][];
}

export class DepthDiff {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private first = 0;
  private last = 0;

  record(side: Side, price: number, qty: number, updateId: number): void {
    if (this.last === 0) this.first = updateId;
    this.last = updateId;
    (side === BUY ? this.bids : this.asks).set(price, qty);
  }

  /** Returns the accumulated change and starts a new one; null if nothing changed. */
  take(): DepthChange | null {
    if (this.last === 0) return null;
    const change: DepthChange = {
      firstUpdateId: this.first,
      lastUpdateId: this.last,
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
    this.bids.clear();
    this.asks.clear();
    this.first = 0;
    this.last = 0;
    return change;
  }
}
