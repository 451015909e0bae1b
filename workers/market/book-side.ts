/**
 * One side of an L2 order book: price -> size, in typed arrays.
 *
 * Most exchange updates change the size of a level that already exists, so sizes live in an
 * open-addressing hash table (linear probing, backward-shift deletion, no tombstones): O(1).
 * Only adding or removing a level touches the order, kept as a sorted Float64Array of prices moved
 * with copyWithin (a native memmove). Readers get the top levels and the best price without sorting.
 */

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);

function hashPrice(price: number): number {
  scratchF64[0] = price;
  // Both halves matter: integer prices have an all-zero low word, fractional ones vary in both.
  let h = Math.imul((scratchU32[0] as number) ^ Math.imul(scratchU32[1] as number, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  return h >>> 0;
}

export type SideKind = 'bid' | 'ask';

export class BookSide {
  readonly kind: SideKind;
  private keys: Float64Array;
  private sizes: Float64Array;
  private used: Uint8Array;
  private mask: number;
  /** Prices ascending; for bids the best is at the end. */
  private sorted: Float64Array;
  private count = 0;

  constructor(kind: SideKind, initialCapacity = 1024) {
    this.kind = kind;
    let cap = 16;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.keys = new Float64Array(cap);
    this.sizes = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.sorted = new Float64Array(cap >>> 1);
  }

  get length(): number {
    return this.count;
  }

  /** Sets the size at a price level; size 0 removes the level. */
  set(price: number, size: number): void {
    if (!(price > 0) || !(size >= 0) || price === Infinity || size === Infinity) {
      throw new RangeError(`invalid ${this.kind} level: price ${price}, size ${size}`);
    }
    if (size === 0) {
      this.remove(price);
      return;
    }
    const keys = this.keys;
    const used = this.used;
    const mask = this.mask;
    let i = hashPrice(price) & mask;
    while (used[i] === 1) {
      if (keys[i] === price) {
        this.sizes[i] = size;
        return;
      }
      i = (i + 1) & mask;
    }
    if ((this.count + 1) * 2 > mask + 1) {
      // Keep the table at most half full (short probe chains) and the sorted index big enough.
      this.grow();
      i = this.emptySlotFor(price);
    }
    this.used[i] = 1;
    this.keys[i] = price;
    this.sizes[i] = size;
    this.insertSorted(price);
  }

  private emptySlotFor(price: number): number {
    let i = hashPrice(price) & this.mask;
    while (this.used[i] === 1) i = (i + 1) & this.mask;
    return i;
  }

  /** Size at a price, 0 when the level is absent. */
  get(price: number): number {
    const keys = this.keys;
    const used = this.used;
    const mask = this.mask;
    let i = hashPrice(price) & mask;
    while (used[i] === 1) {
      if (keys[i] === price) return this.sizes[i] as number;
      i = (i + 1) & mask;
    }
    return 0;
  }

  clear(): void {
    this.used.fill(0);
    this.count = 0;
  }

  /** Best price (highest bid, lowest ask), NaN when the side is empty. */
  bestPrice(): number {
    if (this.count === 0) return NaN;
    return (this.kind === 'ask' ? this.sorted[0] : this.sorted[this.count - 1]) as number;
  }

  /** Price of the k-th level from the best (0 = best), NaN past the end. */
  priceAt(k: number): number {
    if (k < 0 || k >= this.count) return NaN;
    return (this.kind === 'ask' ? this.sorted[k] : this.sorted[this.count - 1 - k]) as number;
  }

  /**
   * Writes up to `n` levels, best first, as price/size pairs into `out` (length >= 2n) and returns
   * how many levels were written.
   */
  top(n: number, out: Float64Array): number {
    const k = Math.min(n, this.count);
    for (let j = 0; j < k; j++) {
      const price = this.priceAt(j);
      out[2 * j] = price;
      out[2 * j + 1] = this.get(price);
    }
    return k;
  }

  private lowerBound(price: number): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertSorted(price: number): void {
    const at = this.lowerBound(price);
    if (at < this.count) this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = price;
    this.count++;
  }

  private remove(price: number): void {
    const keys = this.keys;
    const used = this.used;
    const sizes = this.sizes;
    const mask = this.mask;
    let i = hashPrice(price) & mask;
    while (used[i] === 1 && keys[i] !== price) i = (i + 1) & mask;
    if (used[i] !== 1) return;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    let hole = i;
    let j = (i + 1) & mask;
    while (used[j] === 1) {
      const home = hashPrice(keys[j] as number) & mask;
      if (((hole - home) & mask) < ((j - home) & mask)) {
        keys[hole] = keys[j] as number;
        sizes[hole] = sizes[j] as number;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    used[hole] = 0;
    const at = this.lowerBound(price);
    this.sorted.copyWithin(at, at + 1, this.count);
    this.count--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSizes = this.sizes;
    const oldUsed = this.used;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.sizes = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i] !== 1) continue;
      const j = this.emptySlotFor(oldKeys[i] as number);
      this.used[j] = 1;
      this.keys[j] = oldKeys[i] as number;
      this.sizes[j] = oldSizes[i] as number;
    }
    const sorted = new Float64Array(cap >>> 1);
    sorted.set(this.sorted.subarray(0, this.count));
    this.sorted = sorted;
  }
}
