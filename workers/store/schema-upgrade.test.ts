import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry, OrderRecord } from '../trading/types.js';
import { LyraDb } from './db.js';
import { schemaVersions } from './schema.js';
import { btcUsdt } from '../market/test-markets.js';
import { newTwin } from '../trading/twin/twin-record.js';
import { TradingStore } from '../trading/trading-store.js';
import { AUDIT_HEAD_KEY, entryHash, GENESIS_HASH } from '../audit/audit-chain.js';
import { verifyAuditLog } from '../audit/verify-log.js';

const tradingTables = [
  'accounts',
  'orders',
  'fills',
  'positions',
  'closedTrades',
  'algos',
  'audit',
  'tradingState',
] as const;
const v1Tables = ['markets', 'candleBlocks', 'books', 'tickers', 'tapes', 'settings'] as const;
const vaultTables = ['vaultKeys', 'exchangeAccounts', 'vaultState'] as const;
const twinTables = ['twins'] as const;
const syncTables = ['syncState', 'backupOutbox'] as const;
const portfolioTables = ['equityBlocks', 'cashFlows', 'portfolioCache'] as const;
const researchTables = ['datasets', 'strategyRuns'] as const;
const reportTables = ['alerts', 'alertFirings', 'imports', 'importedFills'] as const;

let n = 0;
const opened: Dexie[] = [];
afterEach(async () => {
  const dbs = opened.splice(0);
  for (const db of dbs) db.close();
  for (const name of new Set(dbs.map((db) => db.name))) await Dexie.delete(name);
});

const t0 = Date.UTC(2026, 0, 1);
const market = { exchange: 'binance', ...btcUsdt };
const block = {
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  start: t0,
  time: Float64Array.from([t0, t0 + 60_000]),
  open: Float64Array.from([100, 101]),
  high: Float64Array.from([102, 103]),
  low: Float64Array.from([99, 100]),
  close: Float64Array.from([101, 102]),
  volume: Float64Array.from([5, 6]),
};

/** A database exactly as version 1 of Lyra left it, with rows in every store. */
async function seedVersion1(name: string): Promise<void> {
  const v1 = schemaVersions[0]!;
  expect(v1.version).toBe(1);
  const old = new Dexie(name);
  old.version(1).stores(v1.stores);
  await old.open();
  expect(old.verno).toBe(1);
  expect(old.tables.map((t) => t.name).sort()).toEqual([...v1Tables].sort());
  await old.table('markets').bulkPut([market, { ...market, symbol: 'ETH/USDT', id: 'ETHUSDT', base: 'ETH' }]);
  await old.table('candleBlocks').put(block);
  await old.table('books').put({
    exchange: 'binance',
    symbol: 'BTC/USDT',
    time: t0,
    nonce: 7,
    bids: Float64Array.from([100, 1]),
    asks: Float64Array.from([101, 2]),
    bidLevels: 1,
    askLevels: 1,
    savedAt: t0,
  });
  await old.table('tickers').put({ exchange: 'binance', symbol: 'BTC/USDT', time: t0, last: 101 });
  await old
    .table('tapes')
    .put({ exchange: 'binance', symbol: 'BTC/USDT', trades: [{ id: '1', price: 101 }] });
  await old.table('settings').bulkPut([
    { key: 'theme', value: 'dark' },
    { key: 'layout', value: { panes: [1, 2, 3] } },
  ]);
  old.close();
}

function order(id: string): OrderRecord {
  return {
    id,
    accountId: 'paper:binance',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    status: 'open',
    amount: '0.1',
    price: '100',
    stopPrice: null,
    trail: null,
    tif: 'GTC',
    postOnly: false,
    reduceOnly: false,
    filled: '0',
    cost: '0',
    fee: '0',
    feeAsset: 'USDT',
    holds: '10',
    holdsAsset: 'USDT',
    triggered: false,
    group: null,
    exits: null,
    source: 'manual',
    queueAhead: null,
    activeAt: t0,
    createdAt: t0,
    updatedAt: t0,
    reason: null,
  };
}

describe('schema upgrade from version 1', () => {
  it('keeps every version-1 row and adds the empty trading tables', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion1(name);

    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(schemaVersions[schemaVersions.length - 1]!.version);
    expect(db.verno).toBeGreaterThanOrEqual(2);

    // The physical database has every store of every version.
    const stores = [...db.backendDB().objectStoreNames].sort();
    expect(stores).toEqual(
      [
        ...v1Tables,
        ...tradingTables,
        ...vaultTables,
        ...twinTables,
        ...syncTables,
        ...portfolioTables,
        ...researchTables,
        ...reportTables,
      ].sort(),
    );

    // Old rows survived, byte for byte.
    expect(await db.markets.count()).toBe(2);
    expect(await db.markets.get(['binance', 'BTC/USDT'])).toEqual(market);
    expect(
      (await db.markets.where('exchange').equals('binance').toArray()).map((m) => m.symbol).sort(),
    ).toEqual(['BTC/USDT', 'ETH/USDT']);
    const candles = await db.candleBlocks.get(['binance', 'BTC/USDT', '1m', t0]);
    expect(candles?.close).toBeInstanceOf(Float64Array);
    expect([...candles!.close]).toEqual([101, 102]);
    expect([...candles!.volume]).toEqual([5, 6]);
    expect((await db.books.get(['binance', 'BTC/USDT']))?.nonce).toBe(7);
    expect((await db.tickers.get(['binance', 'BTC/USDT']))?.last).toBe(101);
    expect((await db.tapes.get(['binance', 'BTC/USDT']))?.trades).toEqual([{ id: '1', price: 101 }]);
    expect(await db.settings.get('theme')).toEqual({ key: 'theme', value: 'dark' });
    expect(await db.settings.get('layout')).toEqual({ key: 'layout', value: { panes: [1, 2, 3] } });

    // The new tables exist and are empty.
    for (const t of [...tradingTables, ...vaultTables, ...twinTables])
      expect(await db.table(t).count(), t).toBe(0);
  });

  it('the new trading tables accept writes and have their indexes', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion1(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();

    const account = {
      id: 'paper:binance',
      exchange: 'binance',
      name: 'Paper',
      balances: { USDT: '10000' },
      reserved: {},
      starting: { USDT: '10000' },
      latencyMs: 50,
      createdAt: t0,
      resetAt: t0,
    };
    await db.accounts.put(account);
    await db.orders.bulkPut([order('o1'), { ...order('o2'), status: 'filled', symbol: 'ETH/USDT' }]);
    await db.fills.put({
      id: 'o2-f1',
      orderId: 'o2',
      accountId: 'paper:binance',
      symbol: 'ETH/USDT',
      side: 'buy',
      price: '100',
      amount: '0.1',
      quote: '10',
      fee: '0.01',
      feeAsset: 'USDT',
      liquidity: 'taker',
      time: t0,
    });
    await db.positions.put({
      accountId: 'paper:binance',
      symbol: 'ETH/USDT',
      base: 'ETH',
      quote: 'USDT',
      amount: '0.1',
      avgEntry: '100.1',
      realizedPnl: '0',
      updatedAt: t0,
    });
    await db.closedTrades.put({
      id: 'ct1',
      accountId: 'paper:binance',
      symbol: 'ETH/USDT',
      amount: '0.1',
      entry: '100',
      exit: '110',
      pnl: '1',
      time: t0,
    });
    await db.algos.put({
      id: 'algo1',
      accountId: 'paper:binance',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      side: 'buy',
      kind: 'twap',
      status: 'running',
      amount: '1',
      filled: '0',
      cost: '0',
      params: { durationMs: 60_000, slices: 6 },
      arrivalPrice: '100',
      startedAt: t0,
      nextChild: 0,
      observedVolume: '0',
      pausedAt: null,
      pausedMs: 0,
      updatedAt: t0,
      reason: null,
    });
    const entry: AuditEntry = {
      time: t0,
      kind: 'order-accepted',
      accountId: 'paper:binance',
      orderId: 'o1',
      symbol: 'BTC/USDT',
      rule: null,
      message: 'accepted',
      details: {},
    };
    const seq1 = await db.audit.add({ ...entry });
    const seq2 = await db.audit.add({ ...entry, time: t0 + 1 });
    expect(seq2).toBeGreaterThan(seq1);
    await db.tradingState.put({ key: 'breaker', value: { halted: false } });

    expect(await db.accounts.get('paper:binance')).toEqual(account);
    expect((await db.accounts.where('exchange').equals('binance').toArray()).length).toBe(1);
    expect((await db.orders.where('status').equals('open').toArray()).map((o) => o.id)).toEqual(['o1']);
    expect(await db.orders.where('accountId').equals('paper:binance').count()).toBe(2);
    expect((await db.orders.where('symbol').equals('ETH/USDT').first())?.id).toBe('o2');
    expect(await db.orders.where('updatedAt').aboveOrEqual(t0).count()).toBe(2);
    expect((await db.fills.where('orderId').equals('o2').first())?.id).toBe('o2-f1');
    expect(await db.fills.where('time').equals(t0).count()).toBe(1);
    expect((await db.positions.get(['paper:binance', 'ETH/USDT']))?.avgEntry).toBe('100.1');
    expect(await db.positions.where('accountId').equals('paper:binance').count()).toBe(1);
    expect(await db.closedTrades.where('time').equals(t0).count()).toBe(1);
    expect((await db.algos.where('status').equals('running').first())?.id).toBe('algo1');
    expect(await db.audit.where('orderId').equals('o1').count()).toBe(2);
    expect(await db.audit.where('kind').equals('order-accepted').count()).toBe(2);
    expect(await db.audit.where('symbol').equals('BTC/USDT').count()).toBe(2);
    expect((await db.audit.where('time').above(t0).first())?.seq).toBe(seq2);
    expect(await db.tradingState.get('breaker')).toEqual({ key: 'breaker', value: { halted: false } });

    // The old stores still take writes next to the new ones.
    await db.settings.put({ key: 'theme', value: 'light' });
    expect((await db.settings.get('theme'))?.value).toBe('light');

    // Reopening at the current version keeps all of it.
    db.close();
    const again = new LyraDb(name);
    opened.push(again);
    await again.open();
    expect(await again.orders.count()).toBe(2);
    expect(await again.audit.count()).toBe(2);
    expect(await again.markets.count()).toBe(2);
  });
});

/** A database exactly as version 2 of Lyra left it: market data plus a paper account's trading rows. */
async function seedVersion2(name: string): Promise<void> {
  await seedVersion1(name);
  const old = new Dexie(name);
  old.version(1).stores(schemaVersions[0]!.stores);
  old.version(2).stores(schemaVersions[1]!.stores);
  await old.open();
  expect(old.verno).toBe(2);
  await old.table('accounts').put({ id: 'paper:binance', exchange: 'binance', name: 'Paper' });
  await old.table('orders').bulkPut([order('o1'), { ...order('o2'), status: 'filled' }]);
  await old.table('audit').add({ time: t0, kind: 'order-accepted', orderId: 'o1', symbol: 'BTC/USDT' });
  await old.table('tradingState').put({ key: 'breaker', value: { halted: true } });
  old.close();
}

describe('schema upgrade from version 2 to 3', () => {
  it('keeps every version-1 and version-2 row and adds the empty vault tables, which take writes', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion2(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(3);
    expect([...db.backendDB().objectStoreNames].sort()).toEqual(
      [
        ...v1Tables,
        ...tradingTables,
        ...vaultTables,
        ...twinTables,
        ...syncTables,
        ...portfolioTables,
        ...researchTables,
        ...reportTables,
      ].sort(),
    );

    expect(await db.markets.count()).toBe(2);
    expect(await db.settings.get('theme')).toEqual({ key: 'theme', value: 'dark' });
    expect([...(await db.candleBlocks.get(['binance', 'BTC/USDT', '1m', t0]))!.close]).toEqual([101, 102]);
    expect(await db.accounts.get('paper:binance')).toEqual({
      id: 'paper:binance',
      exchange: 'binance',
      name: 'Paper',
    });
    expect(await db.orders.get('o1')).toEqual(order('o1'));
    expect((await db.orders.where('status').equals('filled').toArray()).map((o) => o.id)).toEqual(['o2']);
    expect(await db.audit.where('orderId').equals('o1').count()).toBe(1);
    expect(await db.tradingState.get('breaker')).toEqual({ key: 'breaker', value: { halted: true } });
    for (const t of vaultTables) expect(await db.table(t).count(), t).toBe(0);

    await db.vaultKeys.put({
      id: 'passphrase',
      kind: 'passphrase',
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: 'AAAAAAAAAAAAAAAAAAAAAA' },
      dataKeyId: 'k1',
      wrapAlg: 'AES-KW',
      wrapped: 'AAAA',
      createdAt: t0,
    });
    expect(await db.vaultKeys.where('kind').equals('passphrase').count()).toBe(1);
    const envelope = {
      v: 1,
      alg: 'AES-GCM-256',
      kdf: 'wrapped-data-key',
      keyId: 'k1',
      iv: 'AA',
      ct: 'AA',
    } as const;
    await db.exchangeAccounts.put({
      id: 'a1',
      exchange: 'binance',
      venue: 'sandbox',
      label: 'Main',
      fields: ['apiKey', 'secret'],
      apiKeyHint: null,
      envelope,
      lastTest: { ok: true, at: t0, code: null },
      createdAt: t0,
      updatedAt: t0,
    });
    expect((await db.exchangeAccounts.where('exchange').equals('binance').first())?.label).toBe('Main');
    await db.vaultState.put({ key: 'autoLockMinutes', value: 5 });
    expect(await db.vaultState.get('autoLockMinutes')).toEqual({ key: 'autoLockMinutes', value: 5 });
  });
});

/** A database exactly as version 3 of Lyra left it: trading rows and a vault with one exchange account. */
async function seedVersion3(name: string): Promise<void> {
  await seedVersion2(name);
  const old = new Dexie(name);
  for (const v of schemaVersions.slice(0, 3)) old.version(v.version).stores(v.stores);
  await old.open();
  expect(old.verno).toBe(3);
  await old.table('orders').put({ ...order('lylive0001'), accountId: 'live:a1', exchangeOrderId: '77' });
  await old.table('fills').put({
    id: 'binance:9',
    orderId: 'lylive0001',
    accountId: 'live:a1',
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '100',
    amount: '0.1',
    quote: '10',
    fee: '0.0001',
    feeAsset: 'BTC',
    liquidity: 'taker',
    time: t0,
  });
  await old.table('exchangeAccounts').put({ id: 'a1', exchange: 'binance', label: 'Main' });
  await old.table('vaultState').put({ key: 'autoLockMinutes', value: 15 });
  old.close();
}

describe('schema upgrade from version 3 to 4', () => {
  it('keeps every earlier row and adds the empty twins table, which takes writes by its indexes', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion3(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(4);
    expect([...db.backendDB().objectStoreNames].sort()).toEqual(
      [
        ...v1Tables,
        ...tradingTables,
        ...vaultTables,
        ...twinTables,
        ...syncTables,
        ...portfolioTables,
        ...researchTables,
        ...reportTables,
      ].sort(),
    );
    expect(await db.markets.count()).toBe(2);
    expect(await db.orders.get('o1')).toEqual(order('o1'));
    expect((await db.orders.get('lylive0001'))?.exchangeOrderId).toBe('77');
    expect((await db.fills.where('orderId').equals('lylive0001').first())?.feeAsset).toBe('BTC');
    expect((await db.exchangeAccounts.get('a1'))?.label).toBe('Main');
    expect(await db.vaultState.get('autoLockMinutes')).toEqual({ key: 'autoLockMinutes', value: 15 });
    expect(await db.twins.count()).toBe(0);

    const twin = newTwin({ ...order('lylive0001'), accountId: 'live:a1' }, t0 + 5);
    await db.twins.bulkPut([twin, { ...twin, orderId: 'lylive0002', accountId: 'live:b2', startedAt: t0 }]);
    expect(await db.twins.get('lylive0001')).toEqual(twin);
    expect((await db.twins.where('accountId').equals('live:a1').toArray()).map((t) => t.orderId)).toEqual([
      'lylive0001',
    ]);
    expect((await db.twins.orderBy('startedAt').first())?.orderId).toBe('lylive0002');
  });
});

async function seedVersion4(name: string): Promise<void> {
  await seedVersion3(name);
  const old = new Dexie(name);
  for (const v of schemaVersions.slice(0, 4)) old.version(v.version).stores(v.stores);
  await old.open();
  expect(old.verno).toBe(4);
  await old.table('twins').put(newTwin({ ...order('lylive0001'), accountId: 'live:a1' }, t0 + 5));
  old.close();
}

describe('schema upgrade from version 4 to 5', () => {
  it('keeps every earlier row and adds the empty backup tables, which take writes', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion4(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(5);
    expect(await db.markets.count()).toBe(2);
    expect(await db.orders.get('o1')).toEqual(order('o1'));
    expect((await db.twins.get('lylive0001'))?.accountId).toBe('live:a1');
    expect(await db.syncState.count()).toBe(0);
    expect(await db.backupOutbox.count()).toBe(0);

    await db.syncState.put({ key: 'settings', value: { auto: true } });
    await db.backupOutbox.bulkPut([
      { uploadId: 'u1', index: 1, bytes: new Uint8Array([2]), sha256: 'b' },
      { uploadId: 'u1', index: 0, bytes: new Uint8Array([1]), sha256: 'a' },
      { uploadId: 'u2', index: 0, bytes: new Uint8Array([3]), sha256: 'c' },
    ]);
    const u1 = await db.backupOutbox.where('uploadId').equals('u1').sortBy('index');
    expect(u1.map((c) => c.sha256)).toEqual(['a', 'b']);
    expect(await db.backupOutbox.get(['u2', 0])).toMatchObject({ sha256: 'c' });
  });
});

async function seedVersion5(name: string): Promise<void> {
  await seedVersion4(name);
  const old = new Dexie(name);
  for (const v of schemaVersions.slice(0, 5)) old.version(v.version).stores(v.stores);
  await old.open();
  expect(old.verno).toBe(5);
  await old.table('syncState').put({ key: 'settings', value: { auto: true } });
  await old.table('backupOutbox').put({ uploadId: 'u1', index: 0, bytes: new Uint8Array([1]), sha256: 'a' });
  await old.table('fills').put({
    id: 'paper-f1',
    orderId: 'o2',
    accountId: 'paper:binance',
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '100',
    amount: '0.1',
    quote: '10',
    fee: '0.01',
    feeAsset: 'USDT',
    liquidity: 'taker',
    time: t0 + 1,
  });
  old.close();
}

describe('schema upgrade from version 5 to 6', () => {
  it('keeps every earlier row and adds the empty portfolio tables, which take writes by their keys', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion5(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(6);
    expect([...db.backendDB().objectStoreNames].sort()).toEqual(
      [
        ...v1Tables,
        ...tradingTables,
        ...vaultTables,
        ...twinTables,
        ...syncTables,
        ...portfolioTables,
        ...researchTables,
        ...reportTables,
      ].sort(),
    );
    expect(await db.markets.count()).toBe(2);
    expect(await db.orders.get('o1')).toEqual(order('o1'));
    expect((await db.fills.get('paper-f1'))?.fee).toBe('0.01');
    expect((await db.twins.get('lylive0001'))?.accountId).toBe('live:a1');
    expect(await db.syncState.get('settings')).toEqual({ key: 'settings', value: { auto: true } });
    expect((await db.backupOutbox.get(['u1', 0]))?.sha256).toBe('a');
    for (const t of portfolioTables) expect(await db.table(t).count(), t).toBe(0);

    // Equity is column chunks keyed by account and block start; the typed arrays come back as such.
    await db.equityBlocks.bulkPut([
      {
        accountId: 'paper:binance',
        start: t0,
        time: Float64Array.of(t0, t0 + 60_000),
        equity: Float64Array.of(10, 11),
      },
      {
        accountId: 'paper:binance',
        start: t0 + 1e9,
        time: Float64Array.of(t0 + 1e9),
        equity: Float64Array.of(12),
      },
      { accountId: 'live:a1', start: t0, time: Float64Array.of(t0), equity: Float64Array.of(5) },
    ]);
    const block = await db.equityBlocks.get(['paper:binance', t0]);
    expect(block?.equity).toBeInstanceOf(Float64Array);
    expect([...block!.equity]).toEqual([10, 11]);
    expect(await db.equityBlocks.where('accountId').equals('paper:binance').count()).toBe(2);

    await db.cashFlows.bulkPut([
      {
        id: 'f1',
        accountId: 'paper:binance',
        time: t0,
        asset: 'USDT',
        amount: '100',
        value: 100,
        note: '',
        origin: 'auto',
      },
      {
        id: 'f2',
        accountId: 'live:a1',
        time: t0 - 5,
        asset: 'BTC',
        amount: '-0.1',
        value: -10,
        note: 'to cold storage',
        origin: 'user',
      },
    ]);
    expect((await db.cashFlows.where('accountId').equals('live:a1').first())?.id).toBe('f2');
    expect((await db.cashFlows.orderBy('time').first())?.id).toBe('f2');

    await db.portfolioCache.put({ key: 'fee-totals', value: { count: 1 } });
    expect((await db.portfolioCache.get('fee-totals'))?.value).toEqual({ count: 1 });
  });
});

async function seedVersion6(name: string): Promise<void> {
  await seedVersion5(name);
  const old = new Dexie(name);
  for (const v of schemaVersions.slice(0, 6)) old.version(v.version).stores(v.stores);
  await old.open();
  expect(old.verno).toBe(6);
  await old.table('cashFlows').put({
    id: 'f1',
    accountId: 'paper:binance',
    time: t0,
    asset: 'USDT',
    amount: '100',
    value: 100,
    note: '',
    origin: 'auto',
  });
  old.close();
}

describe('schema upgrade from version 6 to 7', () => {
  it('keeps the portfolio rows and adds empty research tables that store bars as typed arrays', async () => {
    const name = `upgrade-${n++}`;
    await seedVersion6(name);
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(7);
    expect((await db.cashFlows.get('f1'))?.amount).toBe('100');
    expect(await db.orders.get('o1')).toEqual(order('o1'));
    for (const t of researchTables) expect(await db.table(t).count(), t).toBe(0);

    const column = (...v: number[]) => Float64Array.from(v);
    await db.datasets.put({
      id: 'd1',
      name: 'DAX',
      source: 'csv',
      bars: 2,
      first: t0,
      last: t0 + 86_400_000,
      closeOnly: true,
      createdAt: t0,
      time: column(t0, t0 + 86_400_000),
      open: column(1, 2),
      high: column(1, 2),
      low: column(1, 2),
      close: column(1, 2),
      volume: column(0, 0),
    });
    const row = await db.datasets.get('d1');
    expect(row?.close).toBeInstanceOf(Float64Array);
    expect([...row!.close]).toEqual([1, 2]);
    expect((await db.datasets.orderBy('createdAt').first())?.id).toBe('d1');
  });
});

async function seedVersion7(name: string, auditRows: number): Promise<void> {
  await seedVersion6(name);
  const old = new Dexie(name);
  for (const v of schemaVersions.slice(0, 7)) old.version(v.version).stores(v.stores);
  await old.open();
  expect(old.verno).toBe(7);
  await old.table('audit').bulkAdd(
    Array.from({ length: auditRows }, (_, i) => ({
      time: t0 + i,
      kind: i % 3 === 0 ? 'order-filled' : 'order-accepted',
      accountId: 'paper:binance',
      orderId: `o${i}`,
      symbol: 'BTC/USDT',
      rule: null,
      message: `entry ${i}`,
      details: { price: 100 + i / 8, filled: i % 2 === 0 },
    })),
  );
  await old.table('tradingState').put({ key: 'breaker:paper:binance', value: { halted: false } });
  old.close();
}

describe('schema upgrade from version 7 to 8', () => {
  it('chains every audit entry written before, in sequence order, and writes the chain head', async () => {
    const name = `upgrade-${n++}`;
    // More than one page of the upgrade's walk, after the version-2 entry the earlier seeds left.
    await seedVersion7(name, 1_200);
    const raw = new Dexie(name);
    for (const v of schemaVersions.slice(0, 7)) raw.version(v.version).stores(v.stores);
    const before = (await raw.table('audit').orderBy(':id').toArray()) as AuditEntry[];
    raw.close();
    expect(before.every((e) => e.hash === undefined)).toBe(true);

    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(8);
    for (const t of reportTables) expect(await db.table(t).count(), t).toBe(0);
    const after = await db.audit.orderBy(':id').toArray();
    expect(after).toHaveLength(1_201);
    let prev = GENESIS_HASH;
    after.forEach((e, i) => {
      // Every field the entry had is kept as it was; only the chain's two are added.
      expect({ ...e, hash: undefined, prevHash: undefined }).toEqual({
        ...before[i],
        hash: undefined,
        prevHash: undefined,
      });
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(entryHash(prev, before[i]!));
      prev = e.hash!;
    });
    expect((await db.tradingState.get(AUDIT_HEAD_KEY))?.value).toEqual({
      seq: after.at(-1)!.seq,
      hash: prev,
      count: 1_201,
    });
    expect((await db.tradingState.get('breaker:paper:binance'))?.value).toEqual({ halted: false });
    const check = await verifyAuditLog(db);
    expect(check).toMatchObject({ intact: true, checked: 1_201, problemCount: 0 });

    // New entries continue the chain from the upgraded head.
    await new TradingStore(db).commit({
      audit: [{ ...before[1]!, seq: undefined, message: 'after the upgrade' }],
    });
    const last = await db.audit.orderBy(':id').last();
    expect(last?.prevHash).toBe(prev);
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 1_202 });
  });

  it('leaves an empty log without a head, and the check calls it intact', async () => {
    const name = `upgrade-${n++}`;
    const old = new Dexie(name);
    for (const v of schemaVersions.slice(0, 7)) old.version(v.version).stores(v.stores);
    await old.open();
    old.close();
    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(8);
    expect(await db.tradingState.get(AUDIT_HEAD_KEY)).toBeUndefined();
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 0, head: null, problems: [] });
  });
});

describe('published schema versions', () => {
  it('declares version 2 exactly as published (versions are appended, never edited)', () => {
    expect(schemaVersions[1]).toEqual({
      version: 2,
      stores: {
        accounts: 'id, exchange',
        orders: 'id, status, accountId, symbol, updatedAt',
        fills: 'id, orderId, accountId, symbol, time',
        positions: '[accountId+symbol], accountId',
        closedTrades: 'id, accountId, time',
        algos: 'id, status, accountId',
        audit: '++seq, time, kind, orderId, symbol',
        tradingState: 'key',
      },
    });
  });

  it('declares version 3 (the vault) exactly as published', () => {
    expect(schemaVersions[2]).toEqual({
      version: 3,
      stores: { vaultKeys: 'id, kind', exchangeAccounts: 'id, exchange', vaultState: 'key' },
    });
  });

  it('declares version 4 (paper twins) exactly as published', () => {
    expect(schemaVersions[3]).toEqual({
      version: 4,
      stores: { twins: 'orderId, accountId, startedAt' },
    });
  });

  it('declares version 5 (backups) exactly as published', () => {
    expect(schemaVersions[4]).toEqual({
      version: 5,
      stores: { syncState: 'key', backupOutbox: '[uploadId+index], uploadId' },
    });
  });

  it('declares version 6 (portfolio) exactly as published', () => {
    expect(schemaVersions[5]).toEqual({
      version: 6,
      stores: {
        equityBlocks: '[accountId+start], accountId',
        cashFlows: 'id, accountId, time',
        portfolioCache: 'key',
      },
    });
  });

  it('declares version 7 (research) exactly as published', () => {
    expect(schemaVersions[6]).toEqual({
      version: 7,
      stores: { datasets: 'id, createdAt', strategyRuns: 'id, status' },
    });
  });

  it('numbers versions 1, 2, 3… without gaps', () => {
    expect(schemaVersions.map((v) => v.version)).toEqual(schemaVersions.map((_, i) => i + 1));
  });
});
