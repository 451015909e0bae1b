import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { rulesOf } from '../../money/market-rules.js';
import { engineError } from '../../shared/errors.js';
import type { PlaceRequest } from '../api.js';
import { buildOrders } from '../order-factory.js';
import { BTC, engine } from '../test-support.js';
import type { OrderRecord, PaperAccount } from '../types.js';
import type { ExchangeOrderState, ExchangeTrade } from './exchange-orders.js';
import type { LiveDesk } from './live-desk.js';
import type { LiveVenue, SendResult } from './live-venue.js';

const rules = rulesOf(BTC);

/** An exchange that answers as told; every call is recorded with what storage held at that moment. */
class ScriptedVenue {
  sent: Array<{ id: string; storedFirst: boolean }> = [];
  replies: SendResult[] = [];
  trades: ExchangeTrade[] = [];
  constructor(private readonly stored: (id: string) => Promise<boolean>) {}
  async send(order: OrderRecord): Promise<SendResult> {
    this.sent.push({ id: order.id, storedFirst: await this.stored(order.id) });
    return this.replies.shift() ?? ok(order.id, 'x1', 'open', '0');
  }
  async cancel(order: OrderRecord): Promise<SendResult> {
    return ok(order.id, order.exchangeOrderId ?? 'x1', 'cancelled', '0');
  }
  async lookup(order: OrderRecord): Promise<SendResult> {
    return { ok: false, error: engineError('order-not-found', `no ${order.id}`) };
  }
  async tradesSince(): Promise<ExchangeTrade[]> {
    return this.trades;
  }
}

function ok(
  id: string,
  exchangeId: string,
  status: ExchangeOrderState['status'],
  filled: string,
): SendResult {
  return {
    ok: true,
    state: {
      exchangeOrderId: exchangeId,
      clientOrderId: id,
      symbol: 'BTC/USDT',
      status,
      filled: Decimal.from(filled),
      cost: Decimal.ZERO,
      timestamp: 1,
    },
  };
}

function trade(exchangeId: string, tradeId: string, amount: string, price = '100'): ExchangeTrade {
  return {
    tradeId,
    exchangeOrderId: exchangeId,
    symbol: 'BTC/USDT',
    side: 'buy',
    price: Decimal.from(price),
    amount: Decimal.from(amount),
    fee: Decimal.from(amount).mul('0.001'),
    feeAsset: 'BTC',
    liquidity: 'maker',
    time: 5,
  };
}

async function liveEngine() {
  const e = await engine();
  const t = e.trading as unknown as {
    desk: LiveDesk;
    state: { account: PaperAccount; accountId: string };
    serial<T>(w: () => Promise<T>): Promise<T>;
  };
  // The account as a live one (the connection itself is the sandbox tests' business).
  const account: PaperAccount = {
    ...t.state.account,
    live: { vaultId: 'v1', venue: 'sandbox' },
    balances: { USDT: '10000', BTC: '1' },
    reserved: {},
  };
  await e.db.accounts.put(account);
  t.state.account = account;
  const venue = new ScriptedVenue(async (id) => (await e.db.orders.get(id)) !== undefined);
  t.desk.venue = venue as unknown as LiveVenue;
  const order = (id: string, fields: Record<string, unknown> = {}) =>
    buildOrders(
      {
        kind: 'order',
        order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '1', price: '100', ...fields },
      } as PlaceRequest,
      { accountId: t.state.accountId, exchange: 'binance', now: 1, latencyMs: 0, rules },
      () => id,
      null,
    ).orders[0] as OrderRecord;
  const run = <T>(w: () => Promise<T>) => t.serial(w);
  return { ...e, desk: t.desk, venue, order, run, state: t.state };
}

describe('LiveDesk', () => {
  it('stores an order before sending it, then records the exchange id', async () => {
    const { desk, venue, order, run, db } = await liveEngine();
    await run(() => desk.accept([order('lyone0001')], rules, 'Accepted'));
    expect(venue.sent).toEqual([{ id: 'lyone0001', storedFirst: true }]);
    const stored = await db.orders.get('lyone0001');
    expect(stored).toMatchObject({ status: 'open', exchangeOrderId: 'x1', holds: '0' });
  });

  it('keeps an order whose fate is unknown in the outbox and sends it again later, same id', async () => {
    const { desk, venue, order, run, db } = await liveEngine();
    venue.replies = [{ ok: false, error: engineError('network', 'unreachable', true) }];
    await run(() => desk.accept([order('lytwo0001')], rules, 'Accepted'));
    expect((await db.orders.get('lytwo0001'))?.status).toBe('pending-new');
    await run(() => desk.sendPending());
    expect(venue.sent.map((s) => s.id)).toEqual(['lytwo0001', 'lytwo0001']);
    expect((await db.orders.get('lytwo0001'))?.status).toBe('open');
  });

  it('ends an order the exchange refused, with its reason in the audit log', async () => {
    const { desk, venue, order, run, db, trading } = await liveEngine();
    venue.replies = [{ ok: false, error: engineError('insufficient-funds', 'Not enough USDT.') }];
    await run(() => desk.accept([order('lythree01')], rules, 'Accepted'));
    expect(await db.orders.get('lythree01')).toMatchObject({
      status: 'rejected',
      reason: 'Not enough USDT.',
    });
    const audit = await trading.audit({ orderId: 'lythree01' });
    expect(audit.find((a) => a.kind === 'order-rejected')?.rule).toBe('exchange');
  });

  it('books a trade that arrived before the order was known by its exchange id', async () => {
    const { desk, venue, order, run, db } = await liveEngine();
    venue.replies = [{ ok: false, error: engineError('network', 'slow', true) }];
    await run(() => desk.accept([order('lyfour001')], rules, 'Accepted'));
    await run(() => desk.onTrade(trade('x9', 't1', '0.4')));
    expect(await db.fills.count()).toBe(0);
    const known = ok('lyfour001', 'x9', 'open', '0.4') as { state: ExchangeOrderState };
    await run(() => desk.onOrder(known.state));
    expect(await db.orders.get('lyfour001')).toMatchObject({ filled: '0.4', status: 'partially-filled' });
  });

  it('books a trade that arrives while the order is being stored under its exchange id', async () => {
    const { desk, venue, order, run, db } = await liveEngine();
    venue.replies = [{ ok: false, error: engineError('network', 'slow', true) }];
    await run(() => desk.accept([order('lyfive001')], rules, 'Accepted'));
    const known = ok('lyfive001', 'x7', 'open', '0') as { state: ExchangeOrderState };
    // The reply and the stream's trade interleave: the trade lands while the reply is being written.
    await Promise.all([desk.onOrder(known.state), desk.onTrade(trade('x7', 't7', '0.3'))]);
    expect(await db.orders.get('lyfive001')).toMatchObject({ filled: '0.3', status: 'partially-filled' });
  });

  it('books each trade once, with the fee the exchange charged in the base asset', async () => {
    const { desk, order, run, db, state } = await liveEngine();
    await run(() => desk.accept([order('lyfive001')], rules, 'Accepted'));
    await run(() => desk.onTrade(trade('x1', 't7', '1')));
    await run(() => desk.onTrade(trade('x1', 't7', '1')));
    expect(await db.fills.count()).toBe(1);
    expect(await db.orders.get('lyfive001')).toMatchObject({ status: 'filled', filled: '1', fee: '0.1' });
    // 1 BTC bought, 0.001 BTC of it kept as the fee: the position holds what was received.
    expect((await db.positions.get([state.accountId, 'BTC/USDT']))?.amount).toBe('0.999');
  });

  it('books the fills of a partly filled order before it ends as cancelled', async () => {
    const { desk, venue, order, run, db } = await liveEngine();
    await run(() => desk.accept([order('lysix0001')], rules, 'Accepted'));
    venue.trades = [trade('x1', 't1', '0.25'), trade('x1', 't2', '0.05'), trade('other', 't3', '1')];
    const cancelled = ok('lysix0001', 'x1', 'cancelled', '0.3') as { state: ExchangeOrderState };
    await run(() => desk.onOrder(cancelled.state));
    expect(await db.orders.get('lysix0001')).toMatchObject({ status: 'cancelled', filled: '0.3' });
    expect(await db.fills.where('orderId').equals('lysix0001').count()).toBe(2);
  });
});
