/** A trade as the engine keeps it: plain numbers, side from the taker's point of view. */
export interface TapeTrade {
  id: string;
  time: number;
  price: number;
  amount: number;
  side: 'buy' | 'sell';
}

/**
 * The most recent trades of one symbol, newest last, bounded. Trades already held (same id) are skipped,
 * so a REST backfill after a reconnect can overlap the stream safely.
 */
export class TradeTape {
  private trades: TapeTrade[] = [];
  private ids = new Set<string>();

  constructor(readonly capacity = 500) {}

  get length(): number {
    return this.trades.length;
  }

  /** Adds trades; returns those that were new, oldest first. */
  add(incoming: readonly TapeTrade[]): TapeTrade[] {
    const fresh: TapeTrade[] = [];
    for (const t of incoming) {
      if (this.ids.has(t.id)) continue;
      this.ids.add(t.id);
      fresh.push(t);
    }
    if (fresh.length === 0) return fresh;
    const last = this.trades[this.trades.length - 1];
    this.trades.push(...fresh);
    // Streams deliver in order; a REST backfill may not. Sort only when needed.
    if (last && (fresh[0] as TapeTrade).time < last.time) this.trades.sort((a, b) => a.time - b.time);
    if (this.trades.length > this.capacity) {
      for (const t of this.trades.splice(0, this.trades.length - this.capacity)) this.ids.delete(t.id);
    }
    return fresh.sort((a, b) => a.time - b.time);
  }

  /** The newest `limit` trades, newest last. */
  recent(limit = this.capacity): TapeTrade[] {
    return this.trades.slice(-limit);
  }

  clear(): void {
    this.trades = [];
    this.ids.clear();
  }
}
