import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSide, type SideKind } from './book-side.js';
import { L2Book } from './order-book.js';

/** The obviously-correct book the fast one must agree with. */
class NaiveSide {
  readonly levels = new Map<number, number>();
  constructor(readonly kind: SideKind) {}
  set(price: number, size: number) {
    if (size === 0) this.levels.delete(price);
    else this.levels.set(price, size);
  }
  top(n: number): Array<[number, number]> {
    const sorted = [...this.levels.entries()].sort((a, b) =>
      this.kind === 'bid' ? b[0] - a[0] : a[0] - b[0],
    );
    return sorted.slice(0, n);
  }
}

function topOf(side: BookSide, n: number): Array<[number, number]> {
  const out = new Float64Array(n * 2);
  const k = side.top(n, out);
  const rows: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) rows.push([out[2 * i] as number, out[2 * i + 1] as number]);
  return rows;
}

// Prices on a tick grid, as exchanges send them, from a small range so updates hit existing levels.
const tick = 0.01;
const priceArb = fc.integer({ min: 1, max: 400 }).map((t) => Number((1000 + t * tick).toFixed(2)));
const sizeArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.double({ min: 1e-8, max: 1e6, noNaN: true }) },
);
type Op = { kind: 'set'; price: number; size: number } | { kind: 'read'; n: number } | { kind: 'clear' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('set' as const), price: priceArb, size: sizeArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('read' as const), n: fc.integer({ min: 1, max: 60 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('BookSide', () => {
  for (const kind of ['bid', 'ask'] as const) {
    it(`agrees with a naive ${kind} side under any sequence of updates, reads and clears`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 800, size: 'max' }), (ops) => {
          const fast = new BookSide(kind, 16); // tiny start capacity exercises growth
          const naive = new NaiveSide(kind);
          for (const op of ops) {
            if (op.kind === 'set') {
              fast.set(op.price, op.size);
              naive.set(op.price, op.size);
            } else if (op.kind === 'clear') {
              fast.clear();
              naive.levels.clear();
            } else {
              expect(topOf(fast, op.n)).toEqual(naive.top(op.n));
            }
            expect(fast.length).toBe(naive.levels.size);
            const best = naive.top(1)[0];
            expect(fast.bestPrice()).toBe(best ? best[0] : NaN);
          }
          for (const [price, size] of naive.levels) expect(fast.get(price)).toBe(size);
          expect(topOf(fast, 1000)).toEqual(naive.top(1000));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('keeps every level reachable after many deletes that shift probe chains', () => {
    const side = new BookSide('bid', 16);
    const naive = new NaiveSide('bid');
    // Integer prices collide in the low word: the case the hash must still spread.
    for (let p = 1; p <= 5000; p++) {
      side.set(p, p);
      naive.set(p, p);
    }
    for (let p = 1; p <= 5000; p += 3) {
      side.set(p, 0);
      naive.set(p, 0);
    }
    expect(side.length).toBe(naive.levels.size);
    for (let p = 1; p <= 5000; p++) expect(side.get(p)).toBe(naive.levels.get(p) ?? 0);
    expect(topOf(side, 50)).toEqual(naive.top(50));
    expect(topOf(side, 5000)).toEqual(naive.top(5000));
  });

  it('keeps the whole ladder in order across growth, asks inserted in ascending order', () => {
    const side = new BookSide('ask', 16);
    for (let p = 1; p <= 1100; p++) side.set(p, 1);
    const rows = topOf(side, 1100);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 1100 }, (_, i) => i + 1));
    expect(side.priceAt(1099)).toBe(1100);
    expect(side.priceAt(1100)).toBeNaN();
  });

  it('refuses levels that would corrupt the book', () => {
    const side = new BookSide('ask');
    expect(() => side.set(NaN, 1)).toThrow(RangeError);
    expect(() => side.set(100, NaN)).toThrow(RangeError);
    expect(() => side.set(-1, 1)).toThrow(RangeError);
    expect(() => side.set(100, -2)).toThrow(RangeError);
    expect(() => side.set(Infinity, 1)).toThrow(RangeError);
    expect(side.length).toBe(0);
  });
});

describe('L2Book', () => {
  it('builds a view best-first with both sides and detects a crossed book', () => {
    const book = new L2Book('BTC/USDT');
    book.reset(new Float64Array([99, 1, 98, 2, 97, 3]), new Float64Array([101, 1, 102, 2]), 10, 1000);
    const view = book.view(2);
    expect([...view.bids]).toEqual([99, 1, 98, 2]);
    expect([...view.asks]).toEqual([101, 1, 102, 2]);
    expect(view.bestBid).toBe(99);
    expect(view.bestAsk).toBe(101);
    expect(view.bidLevels).toBe(3);
    expect(book.isCrossed()).toBe(false);
    book.apply(new Float64Array([101.5, 4]), new Float64Array([101, 0]), 11, 1100);
    expect(book.view(5).bestAsk).toBe(102);
    expect(book.isCrossed()).toBe(false);
    book.apply(new Float64Array([103, 1]), new Float64Array(), 12, 1200);
    expect(book.isCrossed()).toBe(true);
    expect(book.nonce).toBe(12);
  });
});
