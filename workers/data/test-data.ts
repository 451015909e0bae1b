/** Test helpers for the data domain: databases with rows in every backed-up table, and the handlers. */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import type { MarketService } from '../market/market-service.js';
import { chainExistingAudit } from '../audit/audit-chain.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import { backedUpTables } from '../sync/backup-tables.js';
import { encodeValue } from '../sync/value-codec.js';
import type { DataApi } from './api.js';
import { dataApi } from './handlers.js';

let n = 0;
const opened: LyraDb[] = [];

export function freshDb(): LyraDb {
  const db = new LyraDb(`data-test-${process.pid}-${n++}`);
  opened.push(db);
  return db;
}

export async function closeAll(): Promise<void> {
  const dbs = opened.splice(0);
  for (const db of dbs) db.close();
  for (const db of dbs) await Dexie.delete(db.name);
}

export const EXCHANGE = 'sandbox';
export const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

/** The market engine as far as the data domain uses it: which exchange runs and its markets. */
export function fakeMarket(exchange: string | null = EXCHANGE): MarketService {
  return {
    access: () => ({ exchangeId: () => exchange, markets: () => SYMBOLS.map((symbol) => ({ symbol })) }),
  } as unknown as MarketService;
}

export function handlers(db: LyraDb, now = () => Date.UTC(2026, 11, 1, 12)): { api: DataApi; store: MarketStore } {
  const store = new MarketStore(db);
  return { api: dataApi({ parts: { db, market: fakeMarket(), marketStore: store }, now }), store };
}

/** Sets every primary-key field a table needs on a row. */
function withKey(db: LyraDb, table: string, row: Record<string, unknown>, i: number): Record<string, unknown> {
  const keyPath = db.table(table).schema.primKey.keyPath;
  const paths = Array.isArray(keyPath) ? keyPath : [keyPath!];
  const out = { ...row };
  paths.forEach((p, j) => {
    if (!(p in out)) out[p] = p === 'start' || p === 'seq' || p === 'index' ? 1000 * (i + 1) + j : `${table}-${i}-${p}`;
  });
  return out;
}

const columns = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

/**
 * Two to three rows in every backed-up table, with what JSON alone would lose: typed arrays, NaN, -0,
 * infinities, undefined, dates, bigints, a "$lyra" key of its own and a "__proto__" key. Candle and
 * equity rows have their real column shape.
 */
export async function seedEveryTable(db: LyraDb, tag = 'a'): Promise<void> {
  const odd = {
    text: `héllo "${tag}", ümlaut\nnew line`,
    money: '12345.678900000001',
    nan: NaN,
    negZero: -0,
    inf: -Infinity,
    missing: undefined,
    when: new Date(Date.UTC(2025, 0, 2)),
    big: 12345678901234567890n,
    bytes: new Uint8Array([0, 1, 254, 255]),
    nested: { list: [1, 'two', null, { $lyra: 'not an encoding' }], deep: { x: 0.1 + 0.2 } },
  };
  const proto = JSON.parse('{"__proto__": {"polluted": true}, "plain": 1}') as Record<string, unknown>;
  await db.transaction('rw', backedUpTables.map((t) => db.table(t)), async () => {
    for (const table of backedUpTables) {
      const rows = [0, 1, 2].map((i) => withKey(db, table, { tag, i, ...(i === 1 ? odd : {}), ...(i === 2 ? { proto } : {}) }, i));
      await db.table(table).bulkAdd(rows);
    }
    // Chained, with its head, as every log is since schema 8 (an import chains an unhashed one).
    await chainExistingAudit(db.audit, db.tradingState);
    await db.candleBlocks.clear();
    await db.candleBlocks.bulkAdd(
      [0, 1].map((b) => ({
        exchange: EXCHANGE,
        symbol: 'BTC/USDT',
        timeframe: '1m' as const,
        start: b * 60_000_000,
        time: columns(1000, (i) => b * 60_000_000 + i * 60_000),
        open: columns(1000, (i) => 100 + i / 7),
        high: columns(1000, (i) => 101 + i / 7),
        low: columns(1000, (i) => (i === 3 ? -0 : 99 + i / 7)),
        close: columns(1000, (i) => (i === 5 ? NaN : 100.5 + i / 7)),
        volume: columns(1000, (i) => i * 1e-9),
      })),
    );
    await db.equityBlocks.clear();
    await db.equityBlocks.bulkAdd([
      { accountId: 'acc-1', start: 1_000, time: columns(3, (i) => 1_000 + i * 1000), equity: columns(3, (i) => 10_000 + i) },
      { accountId: 'acc-2', start: 1_000, time: columns(2, (i) => 1_000 + i * 1000), equity: Float64Array.of(NaN, 5) },
    ]);
  });
}

/** Every backed-up table's rows as the codec's bytes: equal bytes mean equal contents, -0 and NaN included. */
export async function tableBytes(db: LyraDb): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const table of backedUpTables) out[table] = encodeValue(await db.table(table).toArray());
  return out;
}
