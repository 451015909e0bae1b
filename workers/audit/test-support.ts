import 'fake-indexeddb/auto';
import { LyraDb } from '../store/db.js';
import { TradingStore } from '../trading/trading-store.js';
import type { AuditEntry } from '../trading/types.js';

export const t0 = Date.UTC(2026, 0, 1);

export function auditEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: t0,
    kind: 'order-accepted',
    accountId: 'paper:binance',
    orderId: null,
    symbol: 'BTC/USDT',
    rule: null,
    message: 'accepted',
    details: {},
    ...over,
  };
}

let n = 0;
const open: LyraDb[] = [];

export function freshDb(): LyraDb {
  const db = new LyraDb(`audit-${n++}-${Math.random().toString(36).slice(2)}`);
  open.push(db);
  return db;
}

export async function closeAll(): Promise<void> {
  for (const db of open.splice(0)) {
    db.close();
    await db.delete();
  }
}

/** Writes a log the way the trading engine does: one commit per batch, entries numbered by message. */
export async function writeLog(db: LyraDb, batches: readonly number[]): Promise<AuditEntry[]> {
  const store = new TradingStore(db);
  let i = 0;
  for (const size of batches) {
    const audit = Array.from({ length: size }, () => {
      i++;
      return auditEntry({
        time: t0 + i * 1000,
        kind: i % 4 === 0 ? 'order-filled' : 'order-accepted',
        orderId: `o${i % 5}`,
        symbol: i % 2 ? 'BTC/USDT' : 'ETH/USDT',
        message: `entry ${i}`,
        details: { amount: `0.${i}`, n: i, post: i % 3 === 0 },
      });
    });
    await store.commit({ audit });
  }
  return db.audit.orderBy(':id').toArray();
}
