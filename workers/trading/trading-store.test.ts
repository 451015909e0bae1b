import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { LyraDb } from '../store/db.js';
import { TradingStore } from './trading-store.js';
import { AUDIT_HEAD_KEY, entryHash, GENESIS_HASH, type AuditHead } from '../audit/audit-chain.js';
import type {
  AlgoRecord,
  AuditEntry,
  ClosedTrade,
  FillRecord,
  OrderRecord,
  OrderStatus,
  PaperAccount,
  PositionRecord,
} from './types.js';

let n = 0;
const dbs: LyraDb[] = [];
function fresh() {
  const db = new LyraDb(`trading-store-${n++}-${Math.random().toString(36).slice(2)}`);
  dbs.push(db);
  return { db, store: new TradingStore(db) };
}
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete();
  }
});

const A = 'paper:binance';
const B = 'paper:kraken';
const t0 = Date.UTC(2026, 0, 1);

function account(id = A, usdt = '10000'): PaperAccount {
  return {
    id,
    exchange: id.split(':')[1]!,
    name: 'Paper',
    balances: { USDT: usdt },
    reserved: {},
    starting: { USDT: usdt },
    latencyMs: 0,
    createdAt: t0,
    resetAt: t0,
  };
}

function order(id: string, over: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id,
    accountId: A,
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
    ...over,
  };
}

function fill(id: string, orderId: string, over: Partial<FillRecord> = {}): FillRecord {
  return {
    id,
    orderId,
    accountId: A,
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '100',
    amount: '0.1',
    quote: '10',
    fee: '0.01',
    feeAsset: 'USDT',
    liquidity: 'taker',
    time: t0,
    ...over,
  };
}

function position(symbol: string, over: Partial<PositionRecord> = {}): PositionRecord {
  return {
    accountId: A,
    symbol,
    base: symbol.split('/')[0]!,
    quote: 'USDT',
    amount: '0.1',
    avgEntry: '100',
    realizedPnl: '0',
    updatedAt: t0,
    ...over,
  };
}

function closed(id: string, time: number, over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    id,
    accountId: A,
    symbol: 'BTC/USDT',
    amount: '0.1',
    entry: '100',
    exit: '110',
    pnl: '1',
    time,
    ...over,
  };
}

function algo(id: string, startedAt: number, over: Partial<AlgoRecord> = {}): AlgoRecord {
  return {
    id,
    accountId: A,
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
    startedAt,
    nextChild: 0,
    observedVolume: '0',
    pausedAt: null,
    pausedMs: 0,
    updatedAt: startedAt,
    reason: null,
    ...over,
  };
}

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: t0,
    kind: 'order-accepted',
    accountId: A,
    orderId: null,
    symbol: null,
    rule: null,
    message: 'something happened',
    details: {},
    ...over,
  };
}

async function snapshot(db: LyraDb) {
  return {
    accounts: await db.accounts.toArray(),
    orders: await db.orders.toArray(),
    fills: await db.fills.toArray(),
    positions: await db.positions.toArray(),
    closedTrades: await db.closedTrades.toArray(),
    algos: await db.algos.toArray(),
    audit: await db.audit.toArray(),
    tradingState: await db.tradingState.toArray(),
  };
}

describe('TradingStore.commit', () => {
  it('writes everything one decision changes, with its audit entries', async () => {
    const { db, store } = fresh();
    await store.commit({
      account: account(),
      orders: [order('o1'), order('o2', { side: 'sell' })],
      fills: [fill('f1', 'o1')],
      positions: [position('BTC/USDT')],
      closedTrades: [closed('c1', t0)],
      algos: [algo('a1', t0)],
      state: [{ key: 'breaker', value: { halted: false, peak: '10000' } }],
      audit: [entry({ orderId: 'o1', symbol: 'BTC/USDT' }), entry({ orderId: 'o2', kind: 'order-filled' })],
    });
    expect(await db.accounts.get(A)).toEqual(account());
    expect((await db.orders.toArray()).map((o) => o.id).sort()).toEqual(['o1', 'o2']);
    expect(await store.getOrder('o2')).toEqual(order('o2', { side: 'sell' }));
    expect(await store.getOrder('missing')).toBeUndefined();
    expect(await db.fills.get('f1')).toEqual(fill('f1', 'o1'));
    expect(await db.positions.get([A, 'BTC/USDT'])).toEqual(position('BTC/USDT'));
    expect(await db.closedTrades.get('c1')).toEqual(closed('c1', t0));
    expect(await db.algos.get('a1')).toEqual(algo('a1', t0));
    expect(await store.getState('breaker')).toEqual({ halted: false, peak: '10000' });
    expect(await store.getState('nothing')).toBeUndefined();
    const audit = await db.audit.toArray();
    expect(audit.map((e) => [e.orderId, e.kind])).toEqual([
      ['o1', 'order-accepted'],
      ['o2', 'order-filled'],
    ]);
    expect(audit.every((e) => typeof e.seq === 'number')).toBe(true);
  });

  it('puts over orders by id: a later commit updates, not duplicates', async () => {
    const { db, store } = fresh();
    await store.commit({ orders: [order('o1')], audit: [entry()] });
    await store.commit({
      orders: [order('o1', { status: 'filled', filled: '0.1', updatedAt: t0 + 5 })],
      audit: [entry({ kind: 'order-filled' })],
    });
    expect(await db.orders.count()).toBe(1);
    expect((await store.getOrder('o1'))?.status).toBe('filled');
    expect(await db.audit.count()).toBe(2);
  });

  it('writes nothing when the audit entries fail to store (an uncloneable detail)', async () => {
    const { db, store } = fresh();
    await store.commit({
      account: account(),
      orders: [order('o1')],
      state: [{ key: 'breaker', value: 1 }],
      audit: [entry({ message: 'before' })],
    });
    const before = await snapshot(db);

    const bad = entry({
      message: 'bad',
      details: { callback: (() => 1) as unknown as string },
    });
    await expect(
      store.commit({
        account: account(A, '1'),
        orders: [order('o1', { status: 'filled', filled: '0.1' }), order('o2')],
        fills: [fill('f1', 'o1')],
        positions: [position('BTC/USDT')],
        closedTrades: [closed('c1', t0)],
        algos: [algo('a1', t0)],
        state: [{ key: 'breaker', value: 2 }],
        audit: [entry({ message: 'good, but in the failed transaction' }), bad],
      }),
    ).rejects.toThrow();

    // Not a single row of the failed decision is visible: the orders table is unchanged, and so is the rest.
    expect(await snapshot(db)).toEqual(before);
    expect((await store.getOrder('o1'))?.status).toBe('open');
    expect(await store.getOrder('o2')).toBeUndefined();
    expect(await store.getState('breaker')).toBe(1);
  });

  it('writes nothing when a later table refuses its rows (an invalid key)', async () => {
    const { db, store } = fresh();
    await store.commit({ orders: [order('o1')], audit: [entry()] });
    const before = await snapshot(db);
    await expect(
      store.commit({
        orders: [order('o1', { status: 'cancelled' }), order('o3')],
        // A fill without its key: refused after the orders were already put in this transaction.
        fills: [{ ...fill('f1', 'o1'), id: undefined as unknown as string }],
        audit: [entry({ kind: 'order-cancelled' })],
      }),
    ).rejects.toThrow();
    expect(await snapshot(db)).toEqual(before);

    await expect(
      store.commit({
        orders: [order('o4')],
        positions: [position('BTC/USDT', { symbol: null as unknown as string })],
        audit: [entry()],
      }),
    ).rejects.toThrow();
    expect(await snapshot(db)).toEqual(before);
  });

  it('keeps the audit log append-only: new sequence numbers, never an overwrite', async () => {
    const { db, store } = fresh();
    await store.commit({ audit: [entry({ message: 'first' }), entry({ message: 'second' })] });
    const [first, second] = await db.audit.toArray();
    expect(second!.seq!).toBeGreaterThan(first!.seq!);

    // A caller passing an existing sequence number does not edit history.
    const replay = entry({ seq: first!.seq, message: 'tampered' });
    await store.commit({ audit: [replay, entry({ seq: 99_999, message: 'third' })] });
    const all = await db.audit.toArray();
    expect(all.map((e) => e.message)).toEqual(['first', 'second', 'tampered', 'third']);
    expect(all[0]).toEqual({
      ...entry({ message: 'first' }),
      seq: first!.seq,
      prevHash: GENESIS_HASH,
      hash: first!.hash,
    });
    const seqs = all.map((e) => e.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
    expect(seqs[2]).toBeGreaterThan(seqs[1]!);
    // The caller-chosen number was ignored.
    expect(seqs).not.toContain(99_999);
    // The caller's object was not changed.
    expect(replay.seq).toBe(first!.seq);
  });

  it('an empty commit writes nothing', async () => {
    const { db, store } = fresh();
    await store.commit({ orders: [], fills: [], audit: [] });
    expect(await snapshot(db)).toEqual(await snapshot(fresh().db));
    expect(await db.orders.count()).toBe(0);
  });
});

describe('TradingStore.load', () => {
  const statuses: OrderStatus[] = [
    'pending-new',
    'open',
    'partially-filled',
    'filled',
    'cancelled',
    'rejected',
    'expired',
  ];

  it("splits the account's open orders from its history", async () => {
    const { store } = fresh();
    await store.commit({
      account: account(),
      orders: [
        ...statuses.map((status, i) => order(`o-${status}`, { status, updatedAt: t0 + i })),
        order('other-account', { accountId: B }),
        order('other-history', { accountId: B, status: 'filled' }),
      ],
      audit: [entry()],
    });
    const load = await store.load(A);
    expect(load.account).toEqual(account());
    expect(load.openOrders.map((o) => o.status).sort()).toEqual(['open', 'partially-filled', 'pending-new']);
    // Newest first.
    expect(load.history.map((o) => o.status)).toEqual(['expired', 'rejected', 'cancelled', 'filled']);
    const other = await store.load(B);
    expect(other.account).toBeUndefined();
    expect(other.openOrders.map((o) => o.id)).toEqual(['other-account']);
    expect(other.history.map((o) => o.id)).toEqual(['other-history']);
  });

  it('keeps the newest 200 of history and fills, newest first', async () => {
    const { store } = fresh();
    const done = Array.from({ length: 230 }, (_, i) =>
      order(`h${i}`, { status: 'filled', updatedAt: t0 + ((i * 7919) % 230) }),
    );
    const fills = Array.from({ length: 230 }, (_, i) =>
      fill(`f${i}`, 'h0', { time: t0 + ((i * 7919) % 230) }),
    );
    await store.commit({ orders: [...done, order('live')], fills, audit: [entry()] });
    const load = await store.load(A);
    expect(load.openOrders.map((o) => o.id)).toEqual(['live']);
    expect(load.history).toHaveLength(200);
    const times = load.history.map((o) => o.updatedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]).toBe(t0 + 229);
    expect(times[199]).toBe(t0 + 30);
    expect(load.fills).toHaveLength(200);
    const fillTimes = load.fills.map((f) => f.time);
    expect(fillTimes).toEqual([...fillTimes].sort((a, b) => b - a));
    expect(fillTimes[0]).toBe(t0 + 229);
  });

  it('loads positions, algos (newest first) and closed trades (oldest first) of that account only', async () => {
    const { store } = fresh();
    await store.commit({
      positions: [position('BTC/USDT'), position('ETH/USDT'), position('BTC/USDT', { accountId: B })],
      algos: [algo('a1', t0 + 1), algo('a3', t0 + 3), algo('a2', t0 + 2), algo('b1', t0, { accountId: B })],
      closedTrades: [
        closed('c2', t0 + 2),
        closed('c1', t0 + 1),
        closed('c3', t0 + 3),
        closed('cb', t0, { accountId: B }),
      ],
      audit: [entry()],
    });
    const load = await store.load(A);
    expect(load.positions.map((p) => p.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(load.positions.every((p) => p.accountId === A)).toBe(true);
    expect(load.algos.map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
    expect(load.closedTrades.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    const empty = await store.load('paper:nowhere');
    expect(empty).toEqual({
      account: undefined,
      openOrders: [],
      history: [],
      fills: [],
      positions: [],
      algos: [],
      closedTrades: [],
    });
  });
});

describe('TradingStore.audit', () => {
  async function seeded() {
    const { db, store } = fresh();
    const entries: AuditEntry[] = [
      entry({ time: t0 + 1, kind: 'order-accepted', orderId: 'o1', symbol: 'BTC/USDT', message: '1' }),
      entry({ time: t0 + 2, kind: 'order-filled', orderId: 'o1', symbol: 'BTC/USDT', message: '2' }),
      entry({ time: t0 + 3, kind: 'algo', orderId: 'o1-0', symbol: 'BTC/USDT', message: '3' }),
      entry({ time: t0 + 4, kind: 'order-filled', orderId: 'o1-12', symbol: 'BTC/USDT', message: '4' }),
      entry({ time: t0 + 5, kind: 'order-accepted', orderId: 'o10', symbol: 'ETH/USDT', message: '5' }),
      entry({ time: t0 + 6, kind: 'order-accepted', orderId: 'o1x', symbol: 'ETH/USDT', message: '6' }),
      entry({ time: t0 + 7, kind: 'halt', message: '7' }),
      entry({ time: t0 + 8, kind: 'order-filled', orderId: 'o2', symbol: 'ETH/USDT', message: '8' }),
    ];
    // Written over several commits, as the engine does.
    await store.commit({ audit: entries.slice(0, 3) });
    await store.commit({ audit: entries.slice(3, 4) });
    await store.commit({ audit: entries.slice(4) });
    return { db, store };
  }
  const messages = (es: AuditEntry[]) => es.map((e) => e.message);

  it('returns everything newest first by default', async () => {
    const { store } = await seeded();
    expect(messages(await store.audit({}))).toEqual(['8', '7', '6', '5', '4', '3', '2', '1']);
  });

  it('filters by kind', async () => {
    const { store } = await seeded();
    expect(messages(await store.audit({ kind: 'order-filled' }))).toEqual(['8', '4', '2']);
    expect(messages(await store.audit({ kind: 'halt' }))).toEqual(['7']);
    expect(await store.audit({ kind: 'kill-switch' })).toEqual([]);
    expect(messages(await store.audit({ kind: null }))).toHaveLength(8);
  });

  it('filters by symbol', async () => {
    const { store } = await seeded();
    expect(messages(await store.audit({ symbol: 'ETH/USDT' }))).toEqual(['8', '6', '5']);
    expect(messages(await store.audit({ symbol: 'BTC/USDT', kind: 'order-filled' }))).toEqual(['4', '2']);
  });

  it('filters by order id, including its children `${id}-n` but not other ids sharing the prefix', async () => {
    const { store } = await seeded();
    expect(messages(await store.audit({ orderId: 'o1' }))).toEqual(['4', '3', '2', '1']);
    expect(messages(await store.audit({ orderId: 'o1-0' }))).toEqual(['3']);
    expect(messages(await store.audit({ orderId: 'o10' }))).toEqual(['5']);
    expect(messages(await store.audit({ orderId: 'o2' }))).toEqual(['8']);
    expect(await store.audit({ orderId: 'o3' })).toEqual([]);
  });

  it('filters by time since (inclusive) and limits the count, newest kept', async () => {
    const { store } = await seeded();
    expect(messages(await store.audit({ since: t0 + 6 }))).toEqual(['8', '7', '6']);
    expect(messages(await store.audit({ since: t0 + 100 }))).toEqual([]);
    expect(messages(await store.audit({ limit: 3 }))).toEqual(['8', '7', '6']);
    expect(messages(await store.audit({ limit: 2, orderId: 'o1' }))).toEqual(['4', '3']);
    expect(messages(await store.audit({ since: t0 + 2, kind: 'order-filled', limit: 1 }))).toEqual(['8']);
    // Limits are clamped to at least one and rounded down.
    expect(messages(await store.audit({ limit: 0 }))).toEqual(['8']);
    expect(messages(await store.audit({ limit: -5 }))).toEqual(['8']);
    expect(messages(await store.audit({ limit: 2.9 }))).toEqual(['8', '7']);
  });

  it('orders entries with the same time by their sequence, newest first', async () => {
    const { store } = fresh();
    await store.commit({ audit: [entry({ message: 'a' }), entry({ message: 'b' })] });
    await store.commit({ audit: [entry({ message: 'c' })] });
    expect(messages(await store.audit({}))).toEqual(['c', 'b', 'a']);
  });

  it('caps an unbounded request at 5000 entries and defaults to 500', async () => {
    const { db, store } = fresh();
    await db.audit.bulkAdd(
      Array.from({ length: 5010 }, (_, i) => entry({ time: t0 + i, message: String(i) })),
    );
    expect(await store.audit({})).toHaveLength(500);
    const all = await store.audit({ limit: 1e9 });
    expect(all).toHaveLength(5000);
    expect(all[0]!.message).toBe('5009');
  });
});

describe('TradingStore.resetAccount', () => {
  it("removes that account's orders, fills, positions, closed trades and algos, and audits it", async () => {
    const { db, store } = fresh();
    await store.commit({
      account: account(A, '500'),
      orders: [order('a-o1'), order('a-o2', { status: 'filled' }), order('b-o1', { accountId: B })],
      fills: [fill('a-f1', 'a-o2'), fill('b-f1', 'b-o1', { accountId: B })],
      positions: [position('BTC/USDT'), position('BTC/USDT', { accountId: B })],
      closedTrades: [closed('a-c1', t0), closed('b-c1', t0, { accountId: B })],
      algos: [algo('a-algo', t0), algo('b-algo', t0, { accountId: B })],
      state: [{ key: `breaker:${A}`, value: { halted: true } }],
      audit: [entry({ message: 'history' })],
    });
    await store.commit({ account: account(B, '700'), audit: [entry({ accountId: B, message: 'b opened' })] });

    const reset = { ...account(A, '10000'), resetAt: t0 + 1000 };
    await store.resetAccount(reset, entry({ kind: 'account', message: 'Paper account reset.' }), [
      { key: `breaker:${A}`, value: { halted: false } },
    ]);

    const a = await store.load(A);
    expect(a.account).toEqual(reset);
    expect(a.openOrders).toEqual([]);
    expect(a.history).toEqual([]);
    expect(a.fills).toEqual([]);
    expect(a.positions).toEqual([]);
    expect(a.closedTrades).toEqual([]);
    expect(a.algos).toEqual([]);
    expect(await store.getState(`breaker:${A}`)).toEqual({ halted: false });

    // The other account is untouched.
    const b = await store.load(B);
    expect(b.account).toEqual(account(B, '700'));
    expect(b.openOrders.map((o) => o.id)).toEqual(['b-o1']);
    expect(b.fills.map((f) => f.id)).toEqual(['b-f1']);
    expect(b.positions).toHaveLength(1);
    expect(b.closedTrades.map((c) => c.id)).toEqual(['b-c1']);
    expect(b.algos.map((x) => x.id)).toEqual(['b-algo']);

    // The audit log keeps its history and says what happened, last.
    const log = await store.audit({});
    expect(log.map((e) => e.message)).toEqual(['Paper account reset.', 'b opened', 'history']);
    expect(log[0]!.kind).toBe('account');
    expect(await db.audit.count()).toBe(3);
  });

  it('a failed reset removes nothing', async () => {
    const { db, store } = fresh();
    await store.commit({
      account: account(),
      orders: [order('o1')],
      fills: [fill('f1', 'o1')],
      audit: [entry({ message: 'history' })],
    });
    const before = await snapshot(db);
    await expect(
      store.resetAccount(account(A, '1'), entry({ details: { bad: (() => 0) as unknown as string } }), []),
    ).rejects.toThrow();
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('TradingStore: the audit hash chain', () => {
  async function head(db: LyraDb): Promise<AuditHead | undefined> {
    return (await db.tradingState.get(AUDIT_HEAD_KEY))?.value as AuditHead | undefined;
  }

  it('chains every entry to the one before, across many commits and a reset, and keeps the head on the last', async () => {
    const { db, store } = fresh();
    let message = 0;
    for (const size of [1, 3, 2, 5, 1, 4]) {
      const audit = Array.from({ length: size }, () =>
        entry({ message: String(message++), time: t0 + message }),
      );
      await store.commit({ orders: [order(`o${message}`)], audit });
    }
    await store.resetAccount(account(), entry({ kind: 'account', message: 'reset' }), []);
    const log = await db.audit.orderBy(':id').toArray();
    expect(log).toHaveLength(17);
    let prev = GENESIS_HASH;
    for (const e of log) {
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.hash).toBe(entryHash(prev, e));
      prev = e.hash!;
    }
    expect(await head(db)).toEqual({ seq: log.at(-1)!.seq, hash: prev, count: 17 });
  });

  it('ignores hashes a caller passes: the store computes them', async () => {
    const { db, store } = fresh();
    await store.commit({ audit: [entry({ hash: 'f'.repeat(64), prevHash: 'e'.repeat(64), message: 'x' })] });
    const [stored] = await db.audit.toArray();
    expect(stored!.prevHash).toBe(GENESIS_HASH);
    expect(stored!.hash).toBe(entryHash(GENESIS_HASH, entry({ message: 'x' })));
  });

  it('writes the head in the same transaction as the entries: a failed commit leaves neither', async () => {
    const { db, store } = fresh();
    await store.commit({ audit: [entry({ message: 'kept' })] });
    const before = { log: await db.audit.toArray(), head: await head(db) };
    await expect(
      store.commit({
        orders: [order('o1')],
        // Refused after the audit rows and the head were written in this transaction.
        fills: [{ ...fill('f1', 'o1'), id: undefined as unknown as string }],
        audit: [entry({ message: 'lost' })],
      }),
    ).rejects.toThrow();
    await expect(
      store.commit({
        audit: [entry({ message: 'ok' }), entry({ details: { f: (() => 1) as unknown as string } })],
      }),
    ).rejects.toThrow();
    expect({ log: await db.audit.toArray(), head: await head(db) }).toEqual(before);

    // The next commit continues from the surviving head.
    await store.commit({ audit: [entry({ message: 'next' })] });
    const log = await db.audit.orderBy(':id').toArray();
    expect(log.map((e) => e.message)).toEqual(['kept', 'next']);
    expect(log[1]!.prevHash).toBe(log[0]!.hash);
    expect(await head(db)).toEqual({ seq: log[1]!.seq, hash: log[1]!.hash, count: 2 });
  });
});
