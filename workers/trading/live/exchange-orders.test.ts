import { describe, expect, it } from 'vitest';
import { rulesOf } from '../../money/market-rules.js';
import { buildOrders } from '../order-factory.js';
import type { PlaceRequest } from '../api.js';
import { BTC } from '../test-support.js';
import type { OrderRecord } from '../types.js';
import {
  isEmulatedOnLive,
  readExchangeOrder,
  readExchangeTrade,
  toExchangeRequest,
  toFillRecord,
} from './exchange-orders.js';

const rules = rulesOf(BTC);
const ctx = { accountId: 'live:a1', exchange: 'binance', now: 1_000, latencyMs: 0, rules };

function one(order: Record<string, unknown>): OrderRecord {
  const built = buildOrders(
    { kind: 'order', order: { symbol: 'BTC/USDT', side: 'buy', amount: '0.5', ...order } } as PlaceRequest,
    ctx,
    () => 'lyabc123',
    null,
  );
  expect(built.errors).toEqual({});
  return built.orders[0] as OrderRecord;
}

describe('toExchangeRequest', () => {
  it('sends a limit with its time in force and the client order id as the idempotency key', () => {
    const r = toExchangeRequest(one({ type: 'limit', price: '100.5', tif: 'IOC' }));
    expect(r).toEqual({
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      amount: '0.5',
      price: '100.5',
      params: { clientOrderId: 'lyabc123', timeInForce: 'IOC' },
    });
  });

  it('sends post-only as postOnly (the exchange refuses it if it would take)', () => {
    expect(toExchangeRequest(one({ type: 'limit', price: '100', postOnly: true }))?.params).toEqual({
      clientOrderId: 'lyabc123',
      postOnly: true,
    });
  });

  it('sends only what is left of a partly filled order', () => {
    const o = { ...one({ type: 'limit', price: '100' }), filled: '0.2' };
    expect(toExchangeRequest(o)?.amount).toBe('0.3');
  });

  it('lets the exchange hold stop-limit orders with their trigger', () => {
    const r = toExchangeRequest(one({ type: 'stop-limit', price: '90', stopPrice: '91', side: 'sell' }));
    expect(r?.type).toBe('limit');
    expect(r?.params.stopLossPrice).toBe('91');
  });

  it('keeps stop-market and trailing orders with Lyra until they trigger, then sends a market order', () => {
    const stop = one({ type: 'stop-market', stopPrice: '120' });
    expect(toExchangeRequest(stop)).toBeNull();
    expect(isEmulatedOnLive(stop)).toBe(true);
    const fired = { ...stop, triggered: true };
    expect(isEmulatedOnLive(fired)).toBe(false);
    expect(toExchangeRequest(fired)).toMatchObject({ type: 'market', price: undefined });
  });
});

describe('readExchangeOrder', () => {
  const reply = {
    id: 42,
    clientOrderId: 'lyabc123',
    symbol: 'BTC/USDT',
    status: 'open',
    filled: 0.2,
    cost: 20.1,
    timestamp: 5,
  };

  it('maps ccxt statuses and keeps the amounts exact', () => {
    const r = readExchangeOrder(reply, rules);
    expect(r.ok && r.value.status).toBe('partially-filled');
    expect(r.ok && r.value.filled.toString()).toBe('0.2');
    expect(r.ok && r.value.exchangeOrderId).toBe('42');
    const done = readExchangeOrder({ ...reply, status: 'closed', filled: 0.5 }, rules);
    expect(done.ok && done.value.status).toBe('filled');
    const gone = readExchangeOrder({ ...reply, status: 'canceled', filled: 0 }, rules);
    expect(gone.ok && gone.value.status).toBe('cancelled');
  });

  it('refuses replies that are not sound, saying why', () => {
    expect(readExchangeOrder(null, rules)).toEqual({ ok: false, problem: 'the reply is not an order' });
    expect(readExchangeOrder({ ...reply, symbol: 'ETH/USDT' }, rules).ok).toBe(false);
    expect(readExchangeOrder({ ...reply, filled: Number.NaN }, rules).ok).toBe(false);
    expect(readExchangeOrder({ ...reply, filled: -1 }, rules).ok).toBe(false);
    expect(readExchangeOrder({ ...reply, status: 'weird' }, rules)).toEqual({
      ok: false,
      problem: 'unknown order status weird',
    });
  });
});

describe('readExchangeTrade', () => {
  const trade = {
    id: 7,
    order: 42,
    symbol: 'BTC/USDT',
    side: 'buy',
    price: 100.1,
    amount: 0.3,
    fee: { cost: 0.0003, currency: 'BTC' },
    takerOrMaker: 'maker',
    timestamp: 9,
  };

  it('reads a fill exactly and keys it by the exchange trade id', () => {
    const r = readExchangeTrade(trade, rules);
    if (!r.ok) throw new Error(r.problem);
    expect(r.value.price.toString()).toBe('100.1');
    expect(r.value.fee.toString()).toBe('0.0003');
    const fill = toFillRecord(r.value, one({ type: 'limit', price: '101' }));
    expect(fill).toMatchObject({ id: 'live:a1:7', orderId: 'lyabc123', quote: '30.03', liquidity: 'maker' });
  });

  it('refuses a trade without a positive amount or for another market', () => {
    expect(readExchangeTrade({ ...trade, amount: 0 }, rules).ok).toBe(false);
    expect(readExchangeTrade({ ...trade, symbol: 'ETH/USDT' }, rules).ok).toBe(false);
    expect(readExchangeTrade({ ...trade, fee: { cost: 'x' } }, rules).ok).toBe(false);
  });
});
