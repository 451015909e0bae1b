import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_HEAD_KEY, chainExistingAudit, readAuditHead } from './audit-chain.js';
import { settleRestoredAudit } from './restored-chain.js';
import { verifyAuditLog } from './verify-log.js';
import { auditEntry, closeAll, freshDb, t0, writeLog } from './test-support.js';

afterEach(closeAll);

const unhashed = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => auditEntry({ time: t0 + from + i, message: `old ${from + i}` }));

const settle = (db: ReturnType<typeof freshDb>) =>
  db.transaction('rw', db.audit, db.tradingState, () => settleRestoredAudit(db.audit, db.tradingState, 4));

describe('settleRestoredAudit', () => {
  it('chains a log written before the chain (over several pages) and writes its head', async () => {
    const db = freshDb();
    await db.audit.bulkAdd(unhashed(10));
    expect(await verifyAuditLog(db)).toMatchObject({ intact: false });
    expect(await settle(db)).toBe('chained');
    expect(await readAuditHead(db.tradingState)).toMatchObject({ count: 10 });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 10 });
  });

  it('leaves an intact chained log and its head exactly as they are', async () => {
    const db = freshDb();
    const log = await writeLog(db, [3, 4]);
    const head = await readAuditHead(db.tradingState);
    expect(await settle(db)).toBe('kept');
    expect(await db.audit.orderBy(':id').toArray()).toEqual(log);
    expect(await readAuditHead(db.tradingState)).toEqual(head);
  });

  it('does not hide an altered entry in a chained log', async () => {
    const db = freshDb();
    const log = await writeLog(db, [5]);
    await db.audit.put({ ...log[2]!, message: 'rewritten' });
    expect(await settle(db)).toBe('kept');
    const check = await verifyAuditLog(db);
    expect(check.intact).toBe(false);
    expect(check.problems[0]).toMatchObject({ seq: log[2]!.seq });
  });

  it('gives a chained log without a head one from its last entry', async () => {
    const db = freshDb();
    const log = await writeLog(db, [6]);
    await db.tradingState.delete(AUDIT_HEAD_KEY);
    expect(await settle(db)).toBe('head-written');
    expect(await readAuditHead(db.tradingState)).toEqual({ seq: log[5]!.seq, hash: log[5]!.hash, count: 6 });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 6 });
  });

  it('chains only the unhashed entries after a chained start, keeping the start as it was', async () => {
    const db = freshDb();
    await db.audit.bulkAdd(unhashed(3));
    await db.transaction('rw', db.audit, db.tradingState, () =>
      chainExistingAudit(db.audit, db.tradingState),
    );
    const start = await db.audit.orderBy(':id').toArray();
    await db.audit.bulkAdd(unhashed(6, 3));
    expect(await settle(db)).toBe('chained');
    const after = await db.audit.orderBy(':id').toArray();
    expect(after.slice(0, 3)).toEqual(start);
    expect(after[3]!.prevHash).toBe(start[2]!.hash);
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 9 });
  });

  it('leaves an empty log without a head alone', async () => {
    const db = freshDb();
    expect(await settle(db)).toBe('kept');
    expect(await readAuditHead(db.tradingState)).toBeNull();
  });
});
