import { describe, expect, it } from 'vitest';
import { BinanceError } from '../binance-errors.js';
import { formatAmount, lotUnits, notionalUnits, notionalUnitsCeil, parseAmount } from './money.js';
import type { OrderRequest } from './order-params.js';
import { DUPLICATE_WINDOW_MS } from './trading-desk.js';
import { BUY, SELL, limit, testMarket } from './test-market.js';

const units = (text: string) => parseAmount(text) as bigint;

function refusal(run: () => unknown): { code: number; msg: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof BinanceError) return e.toJSON();
    throw e;
  }
  throw new Error('expected a Binance refusal');
}

describe('trading desk: limit and market orders', () => {
  it('a resting limit buy locks price × qty of quote and a cancel releases it', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '10000' });
    const price = t.bid() - 500;
    const { order } = t.desk.placeOrder(acct, t.sim, limit(BUY, price, 100));
    expect(order.status).toBe('NEW');
    expect(order.engine?.isOpen).toBe(true);
    const locked = notionalUnitsCeil(t.market, price, 100);
    expect(acct.balance('USDT')).toEqual({ free: units('10000') - locked, locked });
    expect(t.sim.engine.side(BUY).get(price)?.total).toBeGreaterThanOrEqual(100);
    t.desk.cancelOrder(order, 'cancel-1');
    expect(order.status).toBe('CANCELED');
    expect(acct.balance('USDT')).toEqual({ free: units('10000'), locked: 0n });
  });

  it('a crossing limit buy takes liquidity, pays the taker fee in base and releases unused quote', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '10000' });
    const ask = t.ask();
    const available = t.sim.engine.bestAsk()?.total as number;
    const qty = Math.min(available, 50);
    const { order, fills } = t.desk.placeOrder(acct, t.sim, limit(BUY, ask + 100, qty));
    expect(order.status).toBe('FILLED');
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((f) => f.price === ask && !f.isMaker && f.commissionAsset === 'BTC')).toBe(true);
    const paid = fills.reduce((s, f) => s + f.quote, 0n);
    expect(paid).toBe(notionalUnits(t.market, ask, qty));
    const fee = fills.reduce((s, f) => s + f.commission, 0n);
    expect(fee).toBe((lotUnits(t.market, qty) * 100_000n) / 100_000_000n);
    expect(acct.balance('USDT')).toEqual({ free: units('10000') - paid, locked: 0n });
    expect(acct.balance('BTC')).toEqual({ free: lotUnits(t.market, qty) - fee, locked: 0n });
  });

  it('a resting sell is filled by the crowd as maker, partially then fully', () => {
    const t = testMarket();
    const acct = t.account({ BTC: '1' });
    const price = t.ask() - 1 > t.bid() ? t.ask() - 1 : t.ask();
    const { order } = t.desk.placeOrder(acct, t.sim, limit(SELL, price, 3));
    expect(order.isOpen).toBe(true);
    t.crowdTrade(BUY);
    expect(order.executedQty).toBe(1);
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(acct.balance('BTC').locked).toBe(lotUnits(t.market, 2));
    t.crowdTrade(BUY);
    t.crowdTrade(BUY);
    expect(order.status).toBe('FILLED');
    expect(order.fills.every((f) => f.isMaker && f.commissionAsset === 'USDT')).toBe(true);
    const got = order.fills.reduce((s, f) => s + f.quote - f.commission, 0n);
    expect(acct.balance('USDT').free).toBe(got);
    expect(acct.balance('BTC')).toEqual({ free: units('1') - lotUnits(t.market, 3), locked: 0n });
  });

  it('market orders by quantity and by quoteOrderQty', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '5000' });
    const byQty = t.desk.placeOrder(acct, t.sim, { ...limit(BUY, 0, 200), type: 'MARKET' });
    expect(byQty.order.status).toBe('FILLED');
    expect(byQty.order.executedQty).toBe(200);
    const byQuote = t.desk.placeOrder(acct, t.sim, {
      ...limit(BUY, 0, 0),
      type: 'MARKET',
      quoteOrderQty: units('100'),
    });
    expect(byQuote.order.status).toBe('FILLED');
    expect(byQuote.order.cumQuote).toBeLessThanOrEqual(units('100'));
    expect(byQuote.order.cumQuote).toBeGreaterThan(units('99'));
    const spent = byQty.order.cumQuote + byQuote.order.cumQuote;
    expect(acct.balance('USDT')).toEqual({ free: units('5000') - spent, locked: 0n });
  });

  it('refuses what the balance cannot pay with Binance’s insufficient-balance error', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '10' });
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, limit(BUY, t.bid(), 1000)))).toEqual({
      code: -2010,
      msg: 'Account has insufficient balance for requested action.',
    });
    expect(acct.balance('USDT')).toEqual({ free: units('10'), locked: 0n });
  });

  it('IOC leftovers expire and an unfillable FOK expires without trading', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '100000' });
    const ask = t.ask();
    const atAsk = t.sim.engine.bestAsk()?.total as number;
    const ioc = t.desk.placeOrder(acct, t.sim, limit(BUY, ask, atAsk + 1000, { tif: 'IOC' }));
    expect(ioc.order.status).toBe('EXPIRED');
    expect(ioc.order.executedQty).toBeGreaterThan(0);
    const fok = t.desk.placeOrder(acct, t.sim, limit(BUY, t.bid() + 1, 10, { tif: 'FOK' }));
    expect(fok.order.status).toBe('EXPIRED');
    expect(fok.fills).toHaveLength(0);
    expect(acct.balance('USDT').locked).toBe(0n);
  });

  it('LIMIT_MAKER rests when passive and is refused when it would take', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '100000' });
    const maker = (price: number): OrderRequest => ({ ...limit(BUY, price, 10), type: 'LIMIT_MAKER' });
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, maker(t.ask())))).toEqual({
      code: -2010,
      msg: 'Order would immediately match and take.',
    });
    const ok = t.desk.placeOrder(acct, t.sim, maker(t.bid()));
    expect(ok.order.isOpen).toBe(true);
  });
});

describe('trading desk: client order ids', () => {
  it('refuses a duplicate while open and within the window, accepts it afterwards', () => {
    const t = testMarket();
    const acct = t.account({ USDT: '10000' });
    const req = limit(BUY, t.bid() - 1000, 10, { clientOrderId: 'same-id' });
    const first = t.desk.placeOrder(acct, t.sim, req);
    const duplicate = { code: -2010, msg: 'Duplicate order sent.' };
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, req))).toEqual(duplicate);
    t.desk.cancelOrder(first.order, 'c');
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, req))).toEqual(duplicate);
    // Another account may use the same id.
    expect(t.desk.placeOrder(t.account({ USDT: '10000' }), t.sim, req).order.isOpen).toBe(true);
    t.clock.t += DUPLICATE_WINDOW_MS;
    expect(t.desk.placeOrder(acct, t.sim, req).order.isOpen).toBe(true);
  });
});

describe('trading desk: stop orders and OCO', () => {
  it('STOP_LOSS_LIMIT waits off the book until the last price crosses its stop', () => {
    const t = testMarket();
    const acct = t.account({ BTC: '1' });
    t.crowdTrade(BUY); // last = ask
    const bid = t.bid();
    const stop: OrderRequest = { ...limit(SELL, bid - 50, 5), type: 'STOP_LOSS_LIMIT', stopPrice: bid };
    const { order } = t.desk.placeOrder(acct, t.sim, stop);
    expect(order).toMatchObject({ status: 'NEW', isWorking: false, engine: null });
    expect(acct.balance('BTC').locked).toBe(lotUnits(t.market, 5));
    t.crowdTrade(SELL); // last = bid <= stop
    expect(order.isWorking).toBe(true);
    expect(order.executedQty).toBe(5);
    expect(order.fills.every((f) => f.price >= bid - 50)).toBe(true);
  });

  it('refuses a stop that would trigger immediately', () => {
    const t = testMarket();
    const acct = t.account({ BTC: '1' });
    const last = t.crowdTrade(BUY);
    const req: OrderRequest = { ...limit(SELL, last, 5), type: 'STOP_LOSS_LIMIT', stopPrice: last + 10 };
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, req)).msg).toBe(
      'Stop price would trigger immediately.',
    );
    const tp: OrderRequest = { ...limit(SELL, last, 5), type: 'TAKE_PROFIT_LIMIT', stopPrice: last - 10 };
    expect(refusal(() => t.desk.placeOrder(acct, t.sim, tp)).msg).toBe(
      'Stop price would trigger immediately.',
    );
  });

  function sellOco(t: ReturnType<typeof testMarket>) {
    const acct = t.account({ BTC: '1' });
    t.crowdTrade(BUY); // last = ask
    const ask = t.ask();
    const bid = t.bid();
    const above: OrderRequest = { ...limit(SELL, ask + 2, 4), type: 'LIMIT_MAKER' };
    const below: OrderRequest = { ...limit(SELL, bid - 50, 4), type: 'STOP_LOSS_LIMIT', stopPrice: bid };
    const list = t.desk.placeOco(acct, t.sim, [above, below], 'my-oco');
    return { acct, list, above: list.orders[0], below: list.orders[1] };
  }

  it('OCO locks once; a triggered stop leg cancels the resting leg', () => {
    const t = testMarket();
    const { acct, list, above, below } = sellOco(t);
    expect(acct.balance('BTC').locked).toBe(lotUnits(t.market, 4));
    expect(above?.engine?.isOpen).toBe(true);
    t.crowdTrade(SELL);
    expect(above?.status).toBe('CANCELED');
    expect(above?.engine?.isOpen).toBe(false);
    expect(below?.executedQty).toBe(4);
    expect(list.done).toBe(true);
    expect(acct.balance('BTC')).toEqual({ free: units('1') - lotUnits(t.market, 4), locked: 0n });
  });

  it('OCO: a fill of the limit leg cancels the pending stop leg', () => {
    const t = testMarket();
    const { acct, list, above, below } = sellOco(t);
    // Sweep the asks up to the limit leg's price.
    const levels = t.sim.engine.side(SELL).top(10);
    const through = levels
      .filter((l) => l.price <= (above?.price as number))
      .reduce((s, l) => s + l.total, 0);
    t.sim.engine.submitMarket({ owner: 0, side: BUY, qty: through, time: t.clock.t });
    t.desk.afterAdvance(t.clock.t);
    expect(above?.executedQty).toBeGreaterThan(0);
    expect(below?.status).toBe('CANCELED');
    t.crowdTrade(SELL);
    expect(below?.executedQty).toBe(0);
    const left = 4 - (above?.executedQty as number);
    expect(acct.balance('BTC').locked).toBe(lotUnits(t.market, left));
    if (left > 0) t.desk.cancelList(list, t.sim, 'x');
    expect(acct.balance('BTC').locked).toBe(0n);
    expect(list.done).toBe(true);
  });
});

describe('trading desk: user data events', () => {
  it('reports NEW, TRADE and CANCELED with Binance fields, each followed by the balances', () => {
    const t = testMarket();
    const acct = t.account({ BTC: '1' });
    const price = t.ask() - 1 > t.bid() ? t.ask() - 1 : t.ask();
    const { order } = t.desk.placeOrder(acct, t.sim, limit(SELL, price, 3, { clientOrderId: 'ev-1' }));
    t.crowdTrade(BUY);
    t.desk.cancelOrder(order, 'ev-cancel');
    const kinds = t.events.map((e) => `${e.event['e']}:${e.event['x'] ?? ''}`);
    expect(kinds).toEqual([
      'executionReport:NEW',
      'outboundAccountPosition:',
      'executionReport:TRADE',
      'outboundAccountPosition:',
      'executionReport:CANCELED',
      'outboundAccountPosition:',
    ]);
    const trade = t.events[2]?.event;
    expect(trade).toMatchObject({
      s: 'BTCUSDT',
      c: 'ev-1',
      S: 'SELL',
      o: 'LIMIT',
      f: 'GTC',
      X: 'PARTIALLY_FILLED',
      i: order.orderId,
      l: formatAmount(lotUnits(t.market, 1)),
      z: formatAmount(lotUnits(t.market, 1)),
      N: 'USDT',
      m: true,
      w: true,
      Y: formatAmount(notionalUnits(t.market, price, 1)),
    });
    expect(trade?.['t']).toBe(order.fills[0]?.tradeId);
    expect(t.events[4]?.event).toMatchObject({ c: 'ev-cancel', C: 'ev-1', X: 'CANCELED' });
    expect(t.events[5]?.event['B']).toEqual([
      { a: 'BTC', f: formatAmount(units('1') - lotUnits(t.market, 1)), l: '0.00000000' },
    ]);
  });
});
