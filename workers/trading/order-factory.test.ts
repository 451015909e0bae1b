import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rulesOf } from '../money/market-rules.js';
import type { MarketInfo } from '../market/types.js';
import type { PlaceRequest } from './api.js';
import { buildOrders, isSoundOrder } from './order-factory.js';
import { btcUsdt } from '../market/test-markets.js';

const btc: MarketInfo = btcUsdt;
const ctx = {
  accountId: 'paper:binance',
  exchange: 'binance',
  now: 1000,
  latencyMs: 100,
  rules: rulesOf(btc),
};
const ids = (n: number) => `id-${n}-abcdef`;
const order = (o: Record<string, unknown>): PlaceRequest =>
  ({
    kind: 'order',
    order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.01', price: '60000', ...o },
  }) as PlaceRequest;

describe('order factory', () => {
  it('builds a limit order as exact decimal text, pending and delayed by the latency', () => {
    const { orders, errors } = buildOrders(order({}), ctx, ids, null);
    expect(errors).toEqual({});
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      id: 'id-0-abcdef',
      status: 'pending-new',
      amount: '0.01',
      price: '60000',
      activeAt: 1100,
      holds: '0',
      holdsAsset: 'USDT',
    });
    expect(isSoundOrder(orders[0])).toBe(true);
  });

  it.each([
    ['NaN', 'amount'],
    ['-1', 'amount'],
    ['1e300', 'amount'],
    ['abc', 'amount'],
    ['', 'amount'],
    ['0.000001', 'amount'],
  ])('refuses amount %s next to the amount field', (amount, field) => {
    const { orders, errors } = buildOrders(order({ amount }), ctx, ids, null);
    expect(orders).toHaveLength(0);
    expect(errors[field as 'amount']).toMatch(/\w/);
  });

  it('refuses an off-tick price with the nearest valid one, and an order below the minimum value', () => {
    expect(buildOrders(order({ price: '60000.005' }), ctx, ids, null).errors.price).toMatch(/tick 0.01.*try/);
    expect(buildOrders(order({ amount: '0.00001' }), ctx, ids, null).errors.amount).toMatch(
      /minimum of 5 USDT/,
    );
  });

  it('refuses a market that is not known and a wrong side or type', () => {
    expect(buildOrders(order({ symbol: 'NOPE/USDT' }), ctx, ids, null).errors.symbol).toMatch(/not a market/);
    expect(buildOrders(order({ side: 'long' }), ctx, ids, null).errors.side).toMatch(/buy or sell/);
    expect(buildOrders(order({ type: 'moon' }), ctx, ids, null).errors.type).toMatch(/order type/);
  });

  it('allows post-only only on resting GTC limit orders', () => {
    expect(
      buildOrders(order({ postOnly: true, type: 'market', price: null }), ctx, ids, null).errors.tif,
    ).toMatch(/limit orders only/);
    expect(buildOrders(order({ postOnly: true, tif: 'IOC' }), ctx, ids, null).errors.tif).toMatch(/GTC/);
    expect(buildOrders(order({ postOnly: true }), ctx, ids, null).orders[0]?.postOnly).toBe(true);
  });

  it('builds an OCO as two legs of one group, and refuses legs on the wrong sides', () => {
    const oco = (tp: string, sl: string): PlaceRequest => ({
      kind: 'oco',
      oco: { symbol: 'BTC/USDT', side: 'sell', amount: '0.01', takeProfitPrice: tp, stopPrice: sl },
    });
    const { orders } = buildOrders(oco('63000', '57000'), ctx, ids, null);
    expect(orders.map((o) => [o.id, o.type, o.group?.kind])).toEqual([
      ['id-0-abcdef-tp', 'limit', 'oco'],
      ['id-0-abcdef-sl', 'stop-market', 'oco'],
    ]);
    expect(buildOrders(oco('57000', '63000'), ctx, ids, null).errors.stopPrice).toMatch(
      /below the take-profit/,
    );
  });

  it('a bracket must protect: stop below and target above a long entry', () => {
    const bracket = (tp: string, sl: string): PlaceRequest => ({
      kind: 'bracket',
      bracket: {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '0.01',
        entryType: 'limit',
        entryPrice: '60000',
        takeProfitPrice: tp,
        stopPrice: sl,
      },
    });
    expect(buildOrders(bracket('63000', '57000'), ctx, ids, null).orders[0]?.exits).toEqual({
      takeProfitPrice: '63000',
      stopPrice: '57000',
    });
    expect(buildOrders(bracket('57000', '63000'), ctx, ids, null).errors.stopPrice).toMatch(
      /below and the take-profit above/,
    );
  });

  it('hostile requests never build an order without saying why (property)', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.double(),
      fc.constant(null),
      fc.constant(undefined),
      fc.integer(),
      fc.object(),
    );
    fc.assert(
      fc.property(junk, junk, junk, junk, junk, (symbol, side, type, amount, price) => {
        const { orders, errors } = buildOrders(
          { kind: 'order', order: { symbol, side, type, amount, price } } as unknown as PlaceRequest,
          ctx,
          ids,
          null,
        );
        if (orders.length > 0) {
          // Only a fully valid request builds: then every money field is a positive decimal string.
          expect(Object.keys(errors)).toHaveLength(0);
          expect(isSoundOrder(orders[0])).toBe(true);
        } else expect(Object.keys(errors).length).toBeGreaterThan(0);
      }),
    );
  });

  it('sets aside damaged records read back from storage', () => {
    const good = buildOrders(order({}), ctx, ids, null).orders[0]!;
    expect(isSoundOrder(good)).toBe(true);
    expect(isSoundOrder({ ...good, amount: 'NaN' })).toBe(false);
    expect(isSoundOrder({ ...good, filled: '1' })).toBe(false);
    expect(isSoundOrder({ ...good, holds: '-5' })).toBe(false);
    expect(isSoundOrder({ ...good, status: 'lost' })).toBe(false);
    expect(isSoundOrder({ ...good, price: 60000 })).toBe(false);
    expect(isSoundOrder(null)).toBe(false);
  });
});
