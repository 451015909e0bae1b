import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { LyraDb } from '../../store/db.js';
import type { FillRecord } from '../types.js';
import { feeTotals } from './fee-totals.js';

let db: LyraDb;
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

let seq = 0;
function fill(accountId: string, time: number, fee: string, feeAsset = 'USDT'): FillRecord {
  return {
    id: `f${++seq}`,
    orderId: 'o',
    accountId,
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '100',
    amount: '1',
    quote: '100',
    fee,
    feeAsset,
    liquidity: 'taker',
    time,
  };
}

describe('running fee totals', () => {
  it('count each fill once, exactly, as fills arrive between opens (same-time fills included)', async () => {
    db = new LyraDb(`fees-${Math.random()}`);
    const resets = { a: 0, b: 0 };
    await db.fills.bulkPut([fill('a', 10, '0.1'), fill('a', 20, '0.2'), fill('b', 20, '0.00001', 'BTC')]);
    expect(await feeTotals(db, resets)).toEqual({ a: { USDT: '0.3' }, b: { BTC: '0.00001' } });
    // Another fill at the newest time already counted, and a later one.
    await db.fills.bulkPut([fill('a', 20, '0.1'), fill('b', 30, '0.7')]);
    expect(await feeTotals(db, resets)).toEqual({ a: { USDT: '0.4' }, b: { BTC: '0.00001', USDT: '0.7' } });
    expect(await feeTotals(db, resets)).toEqual({ a: { USDT: '0.4' }, b: { BTC: '0.00001', USDT: '0.7' } });
  });

  it('count an account again after a reset deleted its fills, and a fill booked late with an older time', async () => {
    db = new LyraDb(`fees-${Math.random()}`);
    await db.fills.bulkPut([fill('a', 10, '1'), fill('b', 10, '2')]);
    expect(await feeTotals(db, { a: 0, b: 0 })).toEqual({ a: { USDT: '1' }, b: { USDT: '2' } });
    await db.fills.where('accountId').equals('a').delete();
    await db.fills.put(fill('a', 50, '0.5'));
    expect(await feeTotals(db, { a: 40, b: 0 })).toEqual({ a: { USDT: '0.5' }, b: { USDT: '2' } });
    // A live reconcile books a fill with the exchange's (older) time.
    await db.fills.put(fill('b', 5, '3'));
    expect(await feeTotals(db, { a: 40, b: 0 })).toEqual({ a: { USDT: '0.5' }, b: { USDT: '5' } });
  });
});
