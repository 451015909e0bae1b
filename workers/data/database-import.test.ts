import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, AUDIT_HEAD_KEY, readAuditHead } from '../audit/audit-chain.js';
import { verifyAuditLog } from '../audit/verify-log.js';
import type { LyraDb } from '../store/db.js';
import type { AuditEntry } from '../trading/types.js';
import { replaceTables } from './database-import.js';
import { closeAll, freshDb } from './test-data.js';

afterEach(closeAll);

const t0 = Date.UTC(2026, 0, 1);
const entry = (i: number, tag: string): AuditEntry => ({
  time: t0 + i,
  kind: 'order-accepted',
  accountId: 'paper:binance',
  orderId: `o${i}`,
  symbol: 'BTC/USDT',
  rule: null,
  message: `${tag} ${i}`,
  details: { i },
});

/** A device whose log was written the way the engine writes it: chained, with its head. */
async function chainedDevice(count: number, tag: string): Promise<LyraDb> {
  const db = freshDb();
  const entries = Array.from({ length: count }, (_, i) => entry(i, tag));
  await db.transaction('rw', db.audit, db.tradingState, () => appendAudit(db.audit, db.tradingState, entries));
  return db;
}

const replace = (db: LyraDb, tables: Record<string, unknown[]>) =>
  replaceTables(db, new Map(Object.entries(tables)), {
    signal: new AbortController().signal,
    progress: () => {},
  });

describe('replaceTables and the audit chain', () => {
  it('chains the log of a file exported before version 8, so the check calls it intact', async () => {
    const db = await chainedDevice(4, 'device');
    const oldLog = Array.from({ length: 7 }, (_, i) => ({ ...entry(i, 'file'), seq: i + 1 }));
    await replace(db, {
      audit: oldLog,
      tradingState: [{ key: 'breaker:paper:binance', value: { halted: true } }],
    });
    expect((await db.audit.orderBy(':id').toArray()).map((e) => e.message)).toEqual(
      oldLog.map((e) => e.message),
    );
    expect(await readAuditHead(db.tradingState)).toMatchObject({ seq: 7, count: 7 });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 7, problemCount: 0 });
  });

  it('gives a file holding the log without tradingState a head for that log, not the device’s', async () => {
    const source = await chainedDevice(5, 'source');
    const db = await chainedDevice(3, 'device');
    await replace(db, { audit: await source.audit.toArray() });
    expect(await db.audit.toArray()).toEqual(await source.audit.toArray());
    expect(await readAuditHead(db.tradingState)).toEqual(await readAuditHead(source.tradingState));
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 5 });
  });

  it('keeps the device’s head for the device’s log when the file holds tradingState without the log', async () => {
    const source = await chainedDevice(5, 'source');
    const db = await chainedDevice(3, 'device');
    const deviceHead = await readAuditHead(db.tradingState);
    await replace(db, {
      tradingState: [...(await source.tradingState.toArray()), { key: 'breaker:x', value: 1 }],
    });
    expect(await readAuditHead(db.tradingState)).toEqual(deviceHead);
    expect((await db.tradingState.get('breaker:x'))?.value).toBe(1);
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 3 });
  });

  it('restores a chained log with its head exactly, evidence of tampering included', async () => {
    const source = await chainedDevice(4, 'source');
    const log = await source.audit.orderBy(':id').toArray();
    const altered = log.map((e, i) => (i === 1 ? { ...e, message: 'rewritten' } : e));
    const db = await chainedDevice(2, 'device');
    await replace(db, { audit: altered, tradingState: await source.tradingState.toArray() });
    expect(await db.audit.orderBy(':id').toArray()).toEqual(altered);
    expect((await db.tradingState.get(AUDIT_HEAD_KEY))?.value).toEqual(await readAuditHead(source.tradingState));
    const check = await verifyAuditLog(db);
    expect(check.intact).toBe(false);
    expect(check.problems[0]).toMatchObject({ seq: log[1]!.seq });
  });
});
