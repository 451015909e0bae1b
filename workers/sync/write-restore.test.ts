import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, AUDIT_HEAD_KEY, readAuditHead } from '../audit/audit-chain.js';
import { verifyAuditLog } from '../audit/verify-log.js';
import { LyraDb } from '../store/db.js';
import type { AuditEntry } from '../trading/types.js';
import type { BackupManifest } from './manifest.js';
import type { BackupState } from './restore-plan.js';
import { encodeValue } from './value-codec.js';
import { writeRestore } from './write-restore.js';

const t0 = Date.UTC(2026, 0, 1);
const opened: LyraDb[] = [];
let n = 0;
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function device(): LyraDb {
  const db = new LyraDb(`write-restore-${process.pid}-${n++}`);
  opened.push(db);
  return db;
}

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  seq: i + 1,
  time: t0 + i,
  kind: 'order-accepted',
  accountId: 'paper:binance',
  orderId: `o${i}`,
  symbol: 'BTC/USDT',
  rule: null,
  message: `entry ${i}`,
  details: { n: i },
  ...over,
});

/** A backup's state as restore reads it: row key to the row's encoded bytes, per table. */
function stateOf(tables: Record<string, Array<{ key: string; row: unknown }>>): BackupState {
  return new Map(
    Object.entries(tables).map(([name, rows]) => [
      name,
      new Map(rows.map(({ key, row }) => [key, encodeValue(row)])),
    ]),
  );
}

const manifest = { kind: 'full', sequence: 1, createdAt: t0 } as BackupManifest;

describe('writeRestore and the audit chain', () => {
  it('chains the log of a backup made before version 8, so the check calls it intact', async () => {
    const db = device();
    // The device had its own chained log and head; the version-7 backup has neither hashes nor head.
    await db.open();
    const v7Log = Array.from({ length: 25 }, (_, i) => entry(i));
    const state = stateOf({
      audit: v7Log.map((row) => ({ key: String(row.seq), row })),
      tradingState: [
        { key: 'breaker:paper:binance', row: { key: 'breaker:paper:binance', value: { halted: false } } },
      ],
    });
    await writeRestore(db, 'v-old', manifest, state, () => {});

    const restored = await db.audit.orderBy(':id').toArray();
    expect(restored.map((e) => e.message)).toEqual(v7Log.map((e) => e.message));
    expect(restored.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? ''))).toBe(true);
    expect(await readAuditHead(db.tradingState)).toMatchObject({ seq: 25, count: 25 });
    expect((await db.tradingState.get('breaker:paper:binance'))?.value).toEqual({ halted: false });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 25, problemCount: 0 });
  });

  it('restores a chained log and its head from a version 8 backup exactly as they were', async () => {
    const source = device();
    await source.transaction('rw', source.audit, source.tradingState, () =>
      appendAudit(source.audit, source.tradingState, [entry(0), entry(1), entry(2)]),
    );
    const log = await source.audit.orderBy(':id').toArray();
    const head = await source.tradingState.get(AUDIT_HEAD_KEY);
    const db = device();
    await writeRestore(
      db,
      'v-new',
      manifest,
      stateOf({
        audit: log.map((row) => ({ key: String(row.seq), row })),
        tradingState: [{ key: AUDIT_HEAD_KEY, row: head }],
      }),
      () => {},
    );
    expect(await db.audit.orderBy(':id').toArray()).toEqual(log);
    expect(await db.tradingState.get(AUDIT_HEAD_KEY)).toEqual(head);
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 3 });
  });
});
