import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FillRecord } from '../trading/types.js';
import type { DataExportRequest } from './api.js';
import { closeAll, freshDb, handlers } from './test-data.js';

afterEach(closeAll);

const all: Omit<DataExportRequest, 'kind' | 'format'> = { accountId: null, from: null, to: null };

function fill(id: string, accountId: string, time: number, price: string): FillRecord {
  return {
    id,
    orderId: `o-${id}`,
    accountId,
    symbol: 'BTC/USDT',
    side: 'buy',
    price,
    amount: '0.00000001',
    quote: '0.0004213370000001',
    fee: '0.000000000000000001',
    feeAsset: 'USDT',
    liquidity: 'taker',
    time,
  };
}

async function seeded() {
  const db = freshDb();
  await db.fills.bulkAdd([fill('f1', 'acc-1', 3000, '42133.7000000001'), fill('f2', 'acc-2', 1000, '1.5')]);
  await db.importedFills.bulkAdd([{ ...fill('i1', 'acc-1', 2000, '99, "quoted"'), importId: 'imp-1' }]);
  await db.closedTrades.bulkAdd([
    { id: 'c1', accountId: 'acc-1', symbol: 'BTC/USDT', amount: '1', entry: '100', exit: '110.10', pnl: '10.10', time: 5000 },
    { id: 'c2', accountId: 'acc-1', symbol: 'BTC/USDT', amount: '1', entry: '100', exit: '90', pnl: '-10', time: 9000 },
  ]);
  await db.equityBlocks.bulkAdd([
    { accountId: 'acc-1', start: 0, time: Float64Array.of(0, 1000, 2000), equity: Float64Array.of(10000, 10000.25, NaN) },
    { accountId: 'acc-2', start: 0, time: Float64Array.of(0), equity: Float64Array.of(500) },
  ]);
  return { db, api: handlers(db).api };
}

describe('record exports', () => {
  it('fills as CSV: own and imported, with where each came from, money exact, oldest first', async () => {
    const { api } = await seeded();
    const file = await api.exportRecords({ kind: 'fills', format: 'csv', ...all });
    const lines = file.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,source,importId,orderId,accountId,symbol,time,side,price,amount,quote,fee,feeAsset,liquidity');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['f2', 'i1', 'f1']);
    expect(lines[2]).toContain(',imported,imp-1,');
    expect(lines[2]).toContain('"99, ""quoted"""');
    expect(lines[3]).toContain(',own,,o-f1,acc-1,BTC/USDT,1970-01-01T00:00:03.000Z,buy,42133.7000000001,0.00000001,0.0004213370000001,0.000000000000000001,');
    expect(file.rows).toBe(3);
    expect(file.mimeType).toBe('text/csv');
    expect(file.fileName).toMatch(/^lyra-fills-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
  });

  it('filters by account and by an inclusive time range', async () => {
    const { api } = await seeded();
    const file = await api.exportRecords({ kind: 'fills', format: 'json', accountId: 'acc-1', from: 2000, to: 2999 });
    const parsed = JSON.parse(file.text) as { rows: Array<{ id: string; source: string; price: string }> };
    expect(parsed.rows.map((r) => [r.id, r.source, r.price])).toEqual([['i1', 'imported', '99, "quoted"']]);
    const trades = await api.exportRecords({ kind: 'closedTrades', format: 'json', accountId: 'acc-1', from: 5000, to: 5000 });
    expect((JSON.parse(trades.text) as { rows: unknown[] }).rows).toEqual([
      { id: 'c1', accountId: 'acc-1', symbol: 'BTC/USDT', amount: '1', entry: '100', exit: '110.10', pnl: '10.10', time: 5000 },
    ]);
  });

  it('equity: one row per point from the column chunks', async () => {
    const { api } = await seeded();
    const file = await api.exportRecords({ kind: 'equity', format: 'csv', ...all });
    expect(file.text).toBe(
      [
        'accountId,time,equity',
        'acc-1,1970-01-01T00:00:00.000Z,10000',
        'acc-1,1970-01-01T00:00:01.000Z,10000.25',
        'acc-1,1970-01-01T00:00:02.000Z,',
        'acc-2,1970-01-01T00:00:00.000Z,500',
        '',
      ].join('\r\n'),
    );
    const json = await api.exportRecords({ kind: 'equity', format: 'json', ...all, accountId: 'acc-2' });
    expect((JSON.parse(json.text) as { rows: unknown[] }).rows).toEqual([{ accountId: 'acc-2', time: 0, equity: 500 }]);
  });

  it('refuses a range that ends before it starts', async () => {
    const { api } = await seeded();
    await expect(api.exportRecords({ kind: 'orders', format: 'csv', accountId: null, from: 10, to: 5 })).rejects.toMatchObject({
      code: 'data-bad-request',
      message: expect.stringMatching(/swap/),
    });
  });
});

describe('the data overview', () => {
  it('lists accounts, rows per backed-up table, the exchange and its markets', async () => {
    const { db, api } = await seeded();
    await db.accounts.add({
      id: 'acc-1',
      exchange: 'sandbox',
      name: 'Paper',
      balances: {},
      reserved: {},
      starting: {},
      latencyMs: 0,
      createdAt: 0,
      resetAt: 0,
    });
    const o = await api.overview();
    expect(o.accounts).toEqual([{ id: 'acc-1', name: 'Paper', exchange: 'sandbox' }]);
    expect(o.counts).toMatchObject({ fills: 2, importedFills: 1, closedTrades: 2, equityBlocks: 2, orders: 0 });
    expect(o.counts).not.toHaveProperty('markets');
    expect(o.exchange).toBe('sandbox');
    expect(o.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(o.timeframes).toContain('1h');
  });
});
