import { describe, expect, it } from 'vitest';
import {
  BUY,
  CROWD,
  MatchingEngine,
  SELL,
  type EngineListener,
  type Order,
  type Side,
} from './matching-engine.js';

interface Fill {
  tradeId: number;
  taker: number;
  maker: number;
  takerOwner: number;
  makerOwner: number;
  price: number;
  qty: number;
}

function recorder() {
  const fills: Fill[] = [];
  const levels: [Side, number, number, number][] = [];
  const orders: [number, string][] = [];
  const listener: EngineListener = {
    onFill(tradeId, taker, maker, price, qty) {
      fills.push({
        tradeId,
        taker: taker.id,
        maker: maker.id,
        takerOwner: taker.owner,
        makerOwner: maker.owner,
        price,
        qty,
      });
    },
    onLevel(side, price, qty, updateId) {
      levels.push([side, price, qty, updateId]);
    },
    onOrder(order) {
      orders.push([order.id, order.status]);
    },
  };
  return { fills, levels, orders, listener };
}

function setup() {
  const engine = new MatchingEngine();
  const rec = recorder();
  engine.listener = rec.listener;
  let t = 0;
  const limit = (
    side: Side,
    price: number,
    qty: number,
    extra: Partial<Parameters<MatchingEngine['submitLimit']>[0]> = {},
  ) => engine.submitLimit({ owner: 1, side, price, qty, time: ++t, stp: 'NONE', ...extra });
  // One owner on both sides would trigger self-trade prevention; these tests are about matching.
  const market = (side: Side, qty: number) => engine.submitMarket({ owner: 2, side, qty, time: ++t });
  const book = (side: Side) =>
    engine
      .side(side)
      .top(1000)
      .map((l) => [l.price, l.total, l.count]);
  return { engine, rec, limit, market, book };
}

describe('MatchingEngine', () => {
  it('rests non-crossing orders sorted best first', () => {
    const { limit, book, engine } = setup();
    limit(BUY, 100, 5);
    limit(BUY, 102, 1);
    limit(BUY, 101, 2);
    limit(SELL, 105, 3);
    limit(SELL, 103, 4);
    expect(book(BUY)).toEqual([
      [102, 1, 1],
      [101, 2, 1],
      [100, 5, 1],
    ]);
    expect(book(SELL)).toEqual([
      [103, 4, 1],
      [105, 3, 1],
    ]);
    expect(engine.bestBid()?.price).toBe(102);
    expect(engine.bestAsk()?.price).toBe(103);
  });

  it('matches at the maker price with price-time priority and FIFO within a level', () => {
    const { limit, rec } = setup();
    const a = limit(SELL, 101, 2);
    const b = limit(SELL, 100, 3);
    const c = limit(SELL, 100, 4);
    const taker = limit(BUY, 101, 8);
    expect(rec.fills.map((f) => [f.maker, f.price, f.qty])).toEqual([
      [b.id, 100, 3],
      [c.id, 100, 4],
      [a.id, 101, 1],
    ]);
    expect(taker.status).toBe('FILLED');
    expect(a.status).toBe('PARTIALLY_FILLED');
    expect(a.leaves).toBe(1);
    expect(taker.cumQuote).toBe(3 * 100 + 4 * 100 + 101);
    // Trade ids are consecutive.
    expect(rec.fills.map((f) => f.tradeId)).toEqual([1, 2, 3]);
  });

  it('rests the unfilled part of a crossing GTC order', () => {
    const { limit, book } = setup();
    limit(SELL, 100, 2);
    const taker = limit(BUY, 100, 5);
    expect(taker.status).toBe('PARTIALLY_FILLED');
    expect(taker.executedQty).toBe(2);
    expect(book(BUY)).toEqual([[100, 3, 1]]);
    expect(book(SELL)).toEqual([]);
  });

  it('IOC executes what it can and expires the rest', () => {
    const { limit, book, rec } = setup();
    limit(SELL, 100, 2);
    limit(SELL, 102, 2);
    const ioc = limit(BUY, 101, 5, { tif: 'IOC' });
    expect(ioc.status).toBe('EXPIRED');
    expect(ioc.executedQty).toBe(2);
    expect(ioc.leaves).toBe(0);
    expect(book(BUY)).toEqual([]);
    expect(book(SELL)).toEqual([[102, 2, 1]]);
    expect(rec.orders.filter(([id]) => id === ioc.id).map(([, s]) => s)).toEqual(['NEW', 'EXPIRED']);
  });

  it('FOK fills completely or not at all', () => {
    const { limit, book, rec } = setup();
    limit(SELL, 100, 2);
    limit(SELL, 101, 2);
    const tooBig = limit(BUY, 101, 5, { tif: 'FOK' });
    expect(tooBig.status).toBe('EXPIRED');
    expect(tooBig.executedQty).toBe(0);
    expect(rec.fills).toHaveLength(0);
    const fits = limit(BUY, 101, 4, { tif: 'FOK' });
    expect(fits.status).toBe('FILLED');
    expect(book(SELL)).toEqual([]);
  });

  it('LIMIT_MAKER is rejected when it would take', () => {
    const { limit, book } = setup();
    limit(SELL, 100, 2);
    const po = limit(BUY, 100, 1, { postOnly: true });
    expect(po.status).toBe('REJECTED');
    const ok = limit(BUY, 99, 1, { postOnly: true });
    expect(ok.status).toBe('NEW');
    expect(book(BUY)).toEqual([[99, 1, 1]]);
  });

  it('market orders walk the levels and expire when the book runs out', () => {
    const { limit, market, rec, book } = setup();
    limit(BUY, 99, 1);
    limit(BUY, 98, 2);
    limit(BUY, 97, 3);
    const m = market(SELL, 4);
    expect(m.status).toBe('FILLED');
    expect(rec.fills.map((f) => [f.price, f.qty])).toEqual([
      [99, 1],
      [98, 2],
      [97, 1],
    ]);
    expect(book(BUY)).toEqual([[97, 2, 1]]);
    const rest = market(SELL, 10);
    expect(rest.status).toBe('EXPIRED');
    expect(rest.executedQty).toBe(2);
    expect(book(BUY)).toEqual([]);
  });

  it('market orders sized by quote stop when the budget cannot buy another lot', () => {
    const { engine, limit } = setup();
    limit(SELL, 100, 3);
    limit(SELL, 110, 3);
    const m = engine.submitMarket({ owner: 2, side: BUY, quoteBudget: 3 * 100 + 2 * 110 + 50, time: 99 });
    expect(m.executedQty).toBe(5);
    expect(m.cumQuote).toBe(520);
    expect(m.status).toBe('FILLED');
  });

  it('cancels resting orders and reports level removal', () => {
    const { engine, limit, book, rec } = setup();
    const a = limit(BUY, 100, 1);
    const b = limit(BUY, 100, 2);
    expect(engine.cancel(a, 10)).toBe(true);
    expect(a.status).toBe('CANCELED');
    expect(book(BUY)).toEqual([[100, 2, 1]]);
    expect(engine.cancelById(b.id, 11)?.status).toBe('CANCELED');
    expect(book(BUY)).toEqual([]);
    expect(engine.cancel(a, 12)).toBe(false);
    expect(rec.levels.at(-1)).toEqual([BUY, 100, 0, engine.updateId]);
  });

  it('increments the update id once per book-changing operation', () => {
    const { engine, limit, market, rec } = setup();
    limit(SELL, 100, 1);
    limit(SELL, 101, 1);
    expect(engine.updateId).toBe(2);
    market(BUY, 2);
    // One market order removing two levels is one update.
    expect(engine.updateId).toBe(3);
    expect(rec.levels.slice(-2).map((l) => l[3])).toEqual([3, 3]);
    market(BUY, 1); // nothing to hit: no visible change
    expect(engine.updateId).toBe(3);
  });

  it('keeps crowd orders in pools for random cancellation', () => {
    const { engine } = setup();
    const a = engine.limit(CROWD, BUY, 100, 1, 'GTC', false, 1, null, 'NONE', 1);
    engine.limit(CROWD, BUY, 99, 1, 'GTC', false, 1, null, 'NONE', 0);
    expect(engine.crowdCount(1)).toBe(1);
    expect(engine.crowdCount(0)).toBe(1);
    expect(engine.crowdOrderAt(1, 0)).toBe(a);
    engine.submitMarket({ owner: 5, side: SELL, qty: 1, time: 2 });
    expect(engine.crowdCount(1)).toBe(0);
    // Crowd orders are not addressable by id; user orders are.
    expect(engine.getOpenOrder(a.id)).toBeUndefined();
  });

  it('reports maker and taker owners on every fill', () => {
    const { engine, rec } = setup();
    engine.submitLimit({ owner: 7, side: SELL, price: 100, qty: 1, time: 1, clientOrderId: 'abc' });
    engine.limit(CROWD, SELL, 100, 1, 'GTC', false, 2, null, 'NONE');
    engine.submitMarket({ owner: 9, side: BUY, qty: 2, time: 3 });
    expect(rec.fills.map((f) => [f.makerOwner, f.takerOwner])).toEqual([
      [7, 9],
      [CROWD, 9],
    ]);
    expect(engine.getOpenOrder(1)).toBeUndefined();
  });

  it('applies self-trade prevention between orders of the same owner', () => {
    const { engine, rec } = setup();
    const mine = engine.submitLimit({ owner: 3, side: SELL, price: 100, qty: 1, time: 1 });
    const other = engine.submitLimit({ owner: 4, side: SELL, price: 100, qty: 1, time: 2 });
    const taker = engine.submitLimit({
      owner: 3,
      side: BUY,
      price: 100,
      qty: 2,
      time: 3,
      stp: 'EXPIRE_MAKER',
    });
    expect(mine.status).toBe('EXPIRED_IN_MATCH');
    expect(rec.fills.map((f) => f.maker)).toEqual([other.id]);
    expect(taker.status).toBe('PARTIALLY_FILLED');
    expect(taker.isOpen).toBe(true);

    const { engine: e2 } = setup();
    e2.submitLimit({ owner: 3, side: SELL, price: 100, qty: 1, time: 1 });
    const t2 = e2.submitLimit({ owner: 3, side: BUY, price: 100, qty: 1, time: 2, stp: 'EXPIRE_TAKER' });
    expect(t2.status).toBe('EXPIRED_IN_MATCH');
    expect(e2.bestAsk()?.total).toBe(1);
    expect(e2.bestBid()).toBeUndefined();
  });

  it('rejects malformed requests', () => {
    const { engine } = setup();
    expect(() => engine.submitLimit({ owner: 1, side: BUY, price: 0, qty: 1, time: 1 })).toThrow(RangeError);
    expect(() => engine.submitLimit({ owner: 1, side: BUY, price: 1.5, qty: 1, time: 1 })).toThrow(
      RangeError,
    );
    expect(() => engine.submitMarket({ owner: 1, side: BUY, qty: 1, quoteBudget: 5, time: 1 })).toThrow(
      RangeError,
    );
    expect(() => engine.submitMarket({ owner: 1, side: BUY, time: 1 })).toThrow(RangeError);
  });

  it('grows a side past its initial capacity', () => {
    const { engine, limit } = setup();
    for (let p = 1; p <= 1000; p++) limit(BUY, p, 1);
    const prices = engine
      .side(BUY)
      .top(2000)
      .map((l) => l.price);
    expect(prices).toHaveLength(1000);
    expect(prices[0]).toBe(1000);
    expect(prices.at(-1)).toBe(1);
    const orders: Order[] = [];
    for (let p = 1000; p >= 1; p -= 3)
      orders.push(...[engine.side(BUY).get(p)?.head].filter((o): o is Order => !!o));
    for (const o of orders) engine.cancel(o, 5);
    expect(engine.side(BUY).size).toBe(1000 - orders.length);
  });
});
