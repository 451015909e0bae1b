import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { rulesOf } from '../../money/market-rules.js';
import { engineError } from '../../shared/errors.js';
import type { PlaceRequest } from '../api.js';
import { buildOrders } from '../order-factory.js';
import { BTC, engine } from '../test-support.js';
import type { OrderRecord, PaperAccount } from '../types.js';
import type { LiveDesk } from './live-desk.js';
import type { LiveVenue, SendResult } from './live-venue.js';

const rules = rulesOf(BTC);

/** A live account whose exchange gives the scripted answers, and the round trips the desk reports. */
async function liveDesk(replies: SendResult[]) {
  const e = await engine();
  const t = e.trading as unknown as {
    desk: LiveDesk;
    state: { account: PaperAccount; accountId: string };
    serial<T>(w: () => Promise<T>): Promise<T>;
  };
  const account: PaperAccount = {
    ...t.state.account,
    live: { vaultId: 'v1', venue: 'sandbox' },
    balances: { USDT: '10000', BTC: '1' },
    reserved: {},
  };
  await e.db.accounts.put(account);
  t.state.account = account;
  const venue = {
    send: async (o: OrderRecord): Promise<SendResult> =>
      replies.shift() ?? {
        ok: true,
        state: {
          exchangeOrderId: 'x1',
          clientOrderId: o.id,
          symbol: 'BTC/USDT',
          status: 'open',
          filled: Decimal.ZERO,
          cost: Decimal.ZERO,
          timestamp: 1,
        },
      },
    lookup: async (o: OrderRecord): Promise<SendResult> => ({
      ok: false,
      error: engineError('order-not-found', o.id),
    }),
    tradesSince: async () => [],
  };
  t.desk.venue = venue as unknown as LiveVenue;
  const samples: Array<['paper' | 'live', number]> = [];
  t.desk.onAcknowledged = (v, ms) => samples.push([v, ms]);
  const place = (id: string) =>
    t.serial(() =>
      t.desk.accept(
        buildOrders(
          {
            kind: 'order',
            order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '1', price: '100' },
          } as PlaceRequest,
          { accountId: t.state.accountId, exchange: 'binance', now: 1, latencyMs: 0, rules },
          () => id,
          null,
        ).orders as OrderRecord[],
        rules,
        'Accepted',
      ),
    );
  return { samples, place };
}

describe('live order round trip', () => {
  it('counts the exchange refusing an order as its answer, as paper counts a rejection', async () => {
    const { samples, place } = await liveDesk([
      { ok: false, error: engineError('insufficient-funds', 'Not enough USDT.') },
    ]);
    await place('lyrt00001');
    expect(samples).toHaveLength(1);
    expect(samples[0]![0]).toBe('live');
    expect(samples[0]![1]).toBeGreaterThanOrEqual(0);
  });

  it('counts an accepted order and not a request that got no answer', async () => {
    const { samples, place } = await liveDesk([
      { ok: false, error: engineError('network', 'unreachable', true) },
    ]);
    await place('lyrt00002');
    expect(samples).toHaveLength(0);
    await place('lyrt00003');
    expect(samples.map((s) => s[0])).toEqual(['live']);
  });
});
