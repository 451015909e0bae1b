/**
 * The price levels of one side of the sandbox's book. Hot path: the backfill pushes millions of
 * orders through here, so levels are pooled and kept in sorted typed arrays.
 */
import { BUY, type Order, type Side } from './order.js';

/** A price level: a FIFO list of resting orders. Recycled by its side once empty. */
export class Level {
  price = 0;
  total = 0;
  count = 0;
  head: Order | null = null;
  tail: Order | null = null;

  constructor(readonly side: Side) {}
}

/**
 * One side's levels. Sort keys (the price for bids, -price for asks) live in a Float64Array so
 * both sides ascend with the best level last; a parallel Int32Array points into a pool of Level
 * objects. Both arrays shift with typed-array copyWithin (a memmove), and lookups are a binary
 * search that stays in cache, so there is no hash map and no per-level garbage.
 */
export class BookSide {
  private keys = new Float64Array(256);
  private slots = new Int32Array(256);
  private len = 0;
  private readonly pool: Level[] = [];
  private readonly freeSlots: number[] = [];
  /** Cached best level (the one at index len - 1). */
  best: Level | undefined = undefined;

  constructor(readonly side: Side) {}

  get size(): number {
    return this.len;
  }

  get(price: number): Level | undefined {
    const key = this.side === BUY ? price : -price;
    const idx = this.lowerBound(key);
    return idx < this.len && this.keys[idx] === key ? this.pool[this.slots[idx] as number] : undefined;
  }

  /** Level `rank` places from the top (0 = best). */
  at(rank: number): Level | undefined {
    const i = this.len - 1 - rank;
    if (i < 0 || rank < 0) return undefined;
    return this.pool[this.slots[i] as number];
  }

  /** Best-first levels, at most `limit`. */
  top(limit: number): Level[] {
    const out: Level[] = [];
    const n = Math.min(limit, this.len);
    for (let r = 0; r < n; r++) out.push(this.at(r) as Level);
    return out;
  }

  /** The level at `price`, created (empty) if missing. */
  obtain(price: number): Level {
    const key = this.side === BUY ? price : -price;
    const idx = this.lowerBound(key);
    const len = this.len;
    if (idx < len && this.keys[idx] === key) return this.pool[this.slots[idx] as number] as Level;
    if (len === this.keys.length) this.grow();
    let slot = this.freeSlots.pop();
    let level: Level;
    if (slot === undefined) {
      slot = this.pool.length;
      level = new Level(this.side);
      this.pool.push(level);
    } else {
      level = this.pool[slot] as Level;
    }
    level.price = price;
    level.total = 0;
    level.count = 0;
    level.head = null;
    level.tail = null;
    if (idx < len) {
      this.keys.copyWithin(idx + 1, idx, len);
      this.slots.copyWithin(idx + 1, idx, len);
    }
    this.keys[idx] = key;
    this.slots[idx] = slot;
    this.len = len + 1;
    if (idx === len) this.best = level;
    return level;
  }

  /** Drops an empty level. */
  remove(level: Level): void {
    const len = this.len;
    if (level === this.best) {
      this.freeSlots.push(this.slots[len - 1] as number);
      this.len = len - 1;
      this.best = len > 1 ? this.pool[this.slots[len - 2] as number] : undefined;
      return;
    }
    const idx = this.lowerBound(this.side === BUY ? level.price : -level.price);
    this.freeSlots.push(this.slots[idx] as number);
    this.keys.copyWithin(idx, idx + 1, len);
    this.slots.copyWithin(idx, idx + 1, len);
    this.len = len - 1;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const slots = new Int32Array(this.slots.length * 2);
    slots.set(this.slots);
    this.slots = slots;
  }

  private lowerBound(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
