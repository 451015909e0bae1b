/**
 * Property tests: random sequences of limit / market / cancel against a deliberately naive
 * reference book (a flat list scanned in price-time order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUY, MatchingEngine, SELL, type Order, type Side, type TimeInForce } from './matching-engine.js';

type Command =
  | { kind: 'limit'; side: Side; price: number; qty: number; tif: TimeInForce; owner: number }
  | { kind: 'market'; side: Side; qty: number; owner: number }
  | { kind: 'cancel'; pick: number };

interface RefOrder {
  id: number;
  side: Side;
  price: number;
  leaves: number;
  seq: number;
}

interface RefFill {
  maker: number;
  taker: number;
  price: number;
  qty: number;
}

/** Price-time priority written the slow, obvious way. */
class ReferenceBook {
  orders: RefOrder[] = [];
  private seq = 0;

  private queue(side: Side): RefOrder[] {
    return this.orders
      .filter((o) => o.side === side)
      .sort((a, b) => (side === BUY ? b.price - a.price : a.price - b.price) || a.seq - b.seq);
  }

  available(side: Side, limit: number): number {
    return this.queue(side === BUY ? SELL : BUY)
      .filter((o) => (side === BUY ? o.price <= limit : o.price >= limit))
      .reduce((n, o) => n + o.leaves, 0);
  }

  take(id: number, side: Side, qty: number, limit: number | null): { fills: RefFill[]; left: number } {
    const fills: RefFill[] = [];
    let left = qty;
    for (const maker of this.queue(side === BUY ? SELL : BUY)) {
      if (left === 0) break;
      if (limit !== null && (side === BUY ? maker.price > limit : maker.price < limit)) break;
      const q = Math.min(left, maker.leaves);
      maker.leaves -= q;
      left -= q;
      fills.push({ maker: maker.id, taker: id, price: maker.price, qty: q });
    }
    this.orders = this.orders.filter((o) => o.leaves > 0);
    return { fills, left };
  }

  rest(id: number, side: Side, price: number, qty: number): void {
    this.orders.push({ id, side, price, leaves: qty, seq: this.seq++ });
  }

  cancel(id: number): void {
    this.orders = this.orders.filter((o) => o.id !== id);
  }

  levels(side: Side): [number, number, number[]][] {
    const out: [number, number, number[]][] = [];
    for (const o of this.queue(side)) {
      const last = out.at(-1);
      if (last !== undefined && last[0] === o.price) {
        last[1] += o.leaves;
        last[2].push(o.id);
      } else {
        out.push([o.price, o.leaves, [o.id]]);
      }
    }
    return out;
  }
}

function engineLevels(engine: MatchingEngine, side: Side): [number, number, number[]][] {
  return engine
    .side(side)
    .top(10_000)
    .map((level) => {
      const ids: number[] = [];
      let sum = 0;
      for (let o: Order | null = level.head; o !== null; o = o.next) {
        ids.push(o.id);
        sum += o.leaves;
      }
      // A level's total is exactly the sum of its resting orders.
      expect(level.total).toBe(sum);
      expect(level.count).toBe(ids.length);
      return [level.price, level.total, ids];
    });
}

const side = fc.constantFrom<Side>(BUY, SELL);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('limit' as const),
      side,
      price: fc.integer({ min: 90, max: 110 }),
      qty: fc.integer({ min: 1, max: 20 }),
      tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'GTC', 'IOC', 'FOK'),
      owner: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('market' as const),
      side,
      qty: fc.integer({ min: 1, max: 60 }),
      owner: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
);

describe('MatchingEngine properties', () => {
  it('agrees with the reference book and keeps its invariants', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120 }), fc.nat(), (commands, snapshotPick) => {
        const engine = new MatchingEngine();
        // Depth changes are replayed onto a snapshot taken before this command.
        const snapshotAt = snapshotPick % commands.length;
        const base = { [BUY]: new Map<number, number>(), [SELL]: new Map<number, number>() };
        const ref = new ReferenceBook();
        const fills: RefFill[] = [];
        const diff = { [BUY]: new Map<number, number>(), [SELL]: new Map<number, number>() };
        let lastUpdateId = 0;
        let opUpdateIds = new Set<number>();
        engine.listener = {
          onFill: (_id, taker, maker, price, qty) =>
            fills.push({ maker: maker.id, taker: taker.id, price, qty }),
          onLevel: (s, price, qty, updateId) => {
            diff[s].set(price, qty);
            opUpdateIds.add(updateId);
          },
          onOrder: () => {},
        };
        const open = new Map<number, Order>();
        let time = 0;
        for (const [index, cmd] of commands.entries()) {
          if (index === snapshotAt) {
            for (const s of [BUY, SELL] as const) {
              base[s] = new Map(
                engine
                  .side(s)
                  .top(10_000)
                  .map((l) => [l.price, l.total]),
              );
              diff[s].clear();
            }
          }
          time++;
          fills.length = 0;
          opUpdateIds = new Set();
          const restingBefore = [...open.values()].reduce((n, o) => n + o.leaves, 0);
          let expected: RefFill[] = [];
          let taker: Order | undefined;
          if (cmd.kind === 'limit') {
            taker = engine.submitLimit({ ...cmd, time, stp: 'NONE' });
            if (cmd.tif === 'FOK' && ref.available(cmd.side, cmd.price) < cmd.qty) {
              expected = [];
            } else {
              const r = ref.take(taker.id, cmd.side, cmd.qty, cmd.price);
              expected = r.fills;
              if (r.left > 0 && cmd.tif === 'GTC') ref.rest(taker.id, cmd.side, cmd.price, r.left);
            }
            if (taker.isOpen) open.set(taker.id, taker);
          } else if (cmd.kind === 'market') {
            taker = engine.submitMarket({ ...cmd, time, stp: 'NONE' });
            expected = ref.take(taker.id, cmd.side, cmd.qty, null).fills;
          } else {
            const ids = [...open.keys()].sort((a, b) => a - b);
            const id = ids.length === 0 ? undefined : ids[cmd.pick % ids.length];
            const order = id === undefined ? undefined : open.get(id);
            if (order !== undefined) {
              expect(engine.cancel(order, time)).toBe(true);
              expect(order.status).toBe('CANCELED');
              ref.cancel(order.id);
            }
          }
          for (const [id, o] of open) if (!o.isOpen) open.delete(id);

          // Same executions, in the same (price-time priority) order.
          expect(fills).toEqual(expected);
          if (taker !== undefined) {
            // Conservation: the taker's executed quantity is the sum of its fills...
            const filled = fills.reduce((n, f) => n + f.qty, 0);
            expect(taker.executedQty).toBe(filled);
            expect(taker.cumQuote).toBe(fills.reduce((n, f) => n + f.qty * f.price, 0));
            // ...and exactly what left the resting orders that existed before it.
            const restingAfter = [...open.values()]
              .filter((o) => o !== taker)
              .reduce((n, o) => n + o.leaves, 0);
            expect(restingBefore - restingAfter).toBe(filled);
          }
          const bids = engineLevels(engine, BUY);
          const asks = engineLevels(engine, SELL);
          expect(bids).toEqual(ref.levels(BUY));
          expect(asks).toEqual(ref.levels(SELL));
          // Never crossed.
          const bestBid = bids[0];
          const bestAsk = asks[0];
          if (bestBid !== undefined && bestAsk !== undefined) expect(bestBid[0]).toBeLessThan(bestAsk[0]);
          // All level changes of one operation share one new update id.
          expect(opUpdateIds.size).toBeLessThanOrEqual(1);
          if (opUpdateIds.size === 1) {
            expect([...opUpdateIds][0]).toBe(lastUpdateId + 1);
            lastUpdateId++;
          }
          expect(engine.updateId).toBe(lastUpdateId);
          // Replaying the level changes since the snapshot onto it reproduces the book.
          if (index >= snapshotAt) {
            for (const s of [BUY, SELL] as const) {
              const book = new Map(base[s]);
              for (const [p, q] of diff[s]) {
                if (q === 0) book.delete(p);
                else book.set(p, q);
              }
              const replayed = [...book].sort((a, b) => (s === BUY ? b[0] - a[0] : a[0] - b[0]));
              expect(replayed).toEqual((s === BUY ? bids : asks).map(([p, q]) => [p, q]));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('executes every order at a price no worse than its limit', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), (commands) => {
        const engine = new MatchingEngine();
        const limits = new Map<number, [Side, number]>();
        engine.listener = {
          onFill: (_id, taker, maker, price) => {
            const t = limits.get(taker.id);
            if (t !== undefined) expect(t[0] === BUY ? price <= t[1] : price >= t[1]).toBe(true);
            // Makers always trade at their own price.
            expect(price).toBe(maker.price);
          },
          onLevel: () => {},
          onOrder: (o) => {
            if (o.type !== 'MARKET') limits.set(o.id, [o.side, o.price]);
          },
        };
        let time = 0;
        for (const cmd of commands) {
          time++;
          if (cmd.kind === 'limit') engine.submitLimit({ ...cmd, time, stp: 'NONE' });
          else if (cmd.kind === 'market') engine.submitMarket({ ...cmd, time, stp: 'NONE' });
        }
      }),
      { numRuns: 200 },
    );
  });
});
