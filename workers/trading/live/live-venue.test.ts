import { describe, expect, it } from 'vitest';
import { rulesOf } from '../../money/market-rules.js';
import type { CcxtPrivate } from '../../exchange/private-exchange.js';
import { buildOrders } from '../order-factory.js';
import type { PlaceRequest } from '../api.js';
import { BTC } from '../test-support.js';
import type { OrderRecord } from '../types.js';
import { LiveVenue, readBalances, type LiveVenueEvents } from './live-venue.js';

const rules = rulesOf(BTC);

function limitOrder(id = 'lyorder01'): OrderRecord {
  const built = buildOrders(
    {
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.5', price: '100' },
    } as PlaceRequest,
    { accountId: 'live:a', exchange: 'binance', now: 1, latencyMs: 0, rules },
    () => id,
    null,
  );
  return built.orders[0] as OrderRecord;
}

function named(name: string): Error {
  const e = new Error(`${name} from the fake exchange`);
  e.name = name;
  return e;
}

/** An exchange that keeps orders by client id, and fails the way it is told to. */
class FakeExchange {
  readonly orders = new Map<string, Record<string, unknown>>();
  created = 0;
  /** Failures thrown by the next createOrder calls; `lose` = the order arrives, the reply is lost. */
  createPlan: Array<'ok' | 'network' | 'lose' | 'funds'> = [];
  async createOrder(
    symbol: string,
    _type: string,
    _side: string,
    amount: string,
    _p: string,
    params: Record<string, unknown>,
  ) {
    const step = this.createPlan.shift() ?? 'ok';
    const id = String(params.clientOrderId);
    if (step === 'network') throw named('NetworkError');
    if (step === 'funds') throw named('InsufficientFunds');
    if (this.orders.has(id)) throw named('DuplicateOrderId');
    this.created++;
    const order = {
      id: this.created,
      clientOrderId: id,
      symbol,
      status: 'open',
      filled: 0,
      cost: 0,
      amount,
      timestamp: 2,
    };
    this.orders.set(id, order);
    if (step === 'lose') throw named('RequestTimeout');
    return order;
  }
  async fetchOrder(_id: undefined, _symbol: string, params: Record<string, unknown>) {
    const o = this.orders.get(String(params.clientOrderId));
    if (!o) throw named('OrderNotFound');
    return o;
  }
  async cancelOrder(_id: undefined, _symbol: string, params: Record<string, unknown>) {
    const o = this.orders.get(String(params.clientOrderId));
    if (!o || o.status !== 'open') throw named('OrderNotFound');
    o.status = 'canceled';
    return o;
  }
}

const quiet: LiveVenueEvents = {
  order: async () => undefined,
  trade: async () => undefined,
  balances: async () => undefined,
  status: () => undefined,
  problem: () => undefined,
};

function venue(ex: FakeExchange) {
  return new LiveVenue(ex as unknown as CcxtPrivate, (s) => (s === 'BTC/USDT' ? rules : undefined), quiet, {
    retryMs: 1,
    retries: 3,
    sleep: async () => undefined,
  });
}

describe('LiveVenue.send', () => {
  it('sends once and reads the exchange order back', async () => {
    const ex = new FakeExchange();
    const r = await venue(ex).send(limitOrder());
    expect(r.ok && r.state.status).toBe('open');
    expect(ex.created).toBe(1);
  });

  it('never makes a second order when the reply was lost: it asks by client order id', async () => {
    const ex = new FakeExchange();
    ex.createPlan = ['lose'];
    const r = await venue(ex).send(limitOrder());
    expect(r.ok && r.state.clientOrderId).toBe('lyorder01');
    expect(ex.created).toBe(1);
  });

  it('sends again with the same id when the first attempt never arrived', async () => {
    const ex = new FakeExchange();
    ex.createPlan = ['network', 'network', 'ok'];
    const r = await venue(ex).send(limitOrder());
    expect(r.ok).toBe(true);
    expect(ex.created).toBe(1);
  });

  it('treats a duplicate refusal as "already there" (a resend after a crash)', async () => {
    const ex = new FakeExchange();
    const v = venue(ex);
    await v.send(limitOrder());
    const again = await v.send(limitOrder());
    expect(again.ok && again.state.exchangeOrderId).toBe('1');
    expect(ex.created).toBe(1);
  });

  it('does not retry what the exchange refused, and says why in words', async () => {
    const ex = new FakeExchange();
    ex.createPlan = ['funds'];
    const r = await venue(ex).send(limitOrder());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('insufficient-funds');
      expect(r.error.retryable).toBe(false);
    }
    expect(ex.created).toBe(0);
  });

  it('gives up after its retries when the exchange stays unreachable', async () => {
    const ex = new FakeExchange();
    ex.createPlan = ['network', 'network', 'network', 'network', 'network'];
    const r = await venue(ex).send(limitOrder());
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.retryable]).toEqual(['network', true]);
    expect(ex.created).toBe(0);
  });
});

describe('LiveVenue.cancel', () => {
  it('cancels by client order id, and a second cancel reports the order as it stands', async () => {
    const ex = new FakeExchange();
    const v = venue(ex);
    await v.send(limitOrder());
    const first = await v.cancel(limitOrder());
    expect(first.ok && first.state.status).toBe('cancelled');
    const second = await v.cancel(limitOrder());
    expect(second.ok && second.state.status).toBe('cancelled');
  });
});

describe('readBalances', () => {
  it('keeps free and locked amounts exact and drops empty assets', () => {
    expect(readBalances({ free: { USDT: 1000.5, BTC: 0 }, used: { USDT: 50.25 } })).toEqual({
      free: { USDT: '1000.5' },
      locked: { USDT: '50.25' },
    });
  });

  it('refuses negative or non-numeric balances', () => {
    expect(readBalances({ free: { USDT: -1 } })).toMatchObject({ code: 'bad-response' });
    expect(readBalances({ free: { USDT: 'lots' } })).toMatchObject({ code: 'bad-response' });
    expect(readBalances(null)).toMatchObject({ code: 'bad-response' });
  });
});
