import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('sum fees exactly without a Decimal per fill, and read the fills once on the first pass', async () => {
    db = new LyraDb(`fees-${Math.random()}`);
    await db.fills.bulkPut([
      fill('a', 1, '0.123456789012345678'),
      fill('a', 2, '1e-18'),
      fill('a', 3, '7'),
      fill('a', 4, '0'),
      fill('a', 5, '0.00000001', 'BNB'),
      fill('a', 6, '-0.00000001', 'BNB'),
      // No fee asset: not counted.
      fill('b', 7, '0.5', ''),
      fill('b', 8, '-0.25'),
    ]);
    const where = vi.spyOn(db.fills, 'where');
    expect(await feeTotals(db, { a: 0, b: 0 })).toEqual({
      a: { USDT: '7.123456789012345679', BNB: '0' },
      b: { USDT: '-0.25' },
    });
    expect(where).not.toHaveBeenCalled();
    // Later passes go on from those totals.
    await db.fills.put(fill('a', 9, '0.876543210987654321'));
    expect((await feeTotals(db, { a: 0, b: 0 })).a).toEqual({ USDT: '8', BNB: '0' });
  });
});
