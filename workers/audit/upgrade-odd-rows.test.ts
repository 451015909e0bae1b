import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { LyraDb } from '../store/db.js';
import type { AuditEntry } from '../trading/types.js';
import { schemaVersions } from '../store/schema.js';
import { AUDIT_HEAD_KEY } from './audit-chain.js';
import { verifyAuditLog } from './verify-log.js';
import { auditEntry } from './test-support.js';

/** Details as older versions could store them: anything structured cloning keeps, not only JSON. */
const odd = (details: Record<string, unknown>) => details as AuditEntry['details'];

let n = 0;
const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

describe('the version 8 upgrade over entries that are not plain data', () => {
  it('opens the database, chains them and the check calls the log intact', async () => {
    const name = `odd-upgrade-${n++}-${Math.random().toString(36).slice(2)}`;
    const old = new Dexie(name);
    for (const v of schemaVersions.slice(0, 7)) old.version(v.version).stores(v.stores);
    await old.open();
    await old.table('audit').bulkAdd([
      auditEntry({ message: 'plain' }),
      auditEntry({ message: 'bigint', details: odd({ volume: 10n ** 20n }) }),
      auditEntry({
        message: 'map',
        details: odd({ legs: new Map([['a', 1]]), raw: Uint8Array.from([1, 2]) }),
      }),
      auditEntry({ message: 'date', details: odd({ at: new Date(5) }) }),
    ]);
    old.close();

    const db = new LyraDb(name);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(8);
    const rows = await db.audit.orderBy(':id').toArray();
    expect(rows.map((r) => r.message)).toEqual(['plain', 'bigint', 'map', 'date']);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash ?? ''))).toBe(true);
    expect(rows[1]!.details).toEqual({ volume: 10n ** 20n });
    expect((await db.tradingState.get(AUDIT_HEAD_KEY))?.value).toMatchObject({ count: 4 });
    expect(await verifyAuditLog(db)).toMatchObject({ intact: true, checked: 4, problemCount: 0 });

    // Changing the odd value is still found.
    await db.audit.put({ ...rows[1]!, details: odd({ volume: 10n ** 20n + 1n }) });
    const check = await verifyAuditLog(db);
    expect(check.intact).toBe(false);
    expect(check.problems[0]).toMatchObject({ seq: rows[1]!.seq });
  });
});
