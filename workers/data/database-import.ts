import type { JobProgress } from '../research/api.js';
import { AUDIT_HEAD_KEY } from '../audit/audit-chain.js';
import { settleRestoredAudit } from '../audit/restored-chain.js';
import type { LyraDb, SettingRow } from '../store/db.js';
import type { DatabaseImportResult, DatabaseTableCompare } from './api.js';
import { cancelled } from './database-format.js';

/** Rows per bulkAdd: one huge request list is slow in some IndexedDB implementations. */
const WRITE_SLICE = 5_000;

export interface ReplaceOptions {
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
}

/**
 * Replaces the contents of every table the file holds with its rows, in ONE read-write transaction:
 * a failure or a cancel throws inside it, IndexedDB rolls everything back, and the device keeps what
 * it had. Tables the file does not hold (an export from an older schema) are left as they are.
 */
export async function replaceTables(
  db: LyraDb,
  tables: ReadonlyMap<string, readonly unknown[]>,
  options: ReplaceOptions,
): Promise<DatabaseImportResult> {
  const names = [...tables.keys()];
  const total = names.reduce((sum, n) => sum + tables.get(n)!.length, 0);
  let done = 0;
  options.progress({ stage: 'Writing to this device', done, total });
  const touchesAudit = tables.has('audit') || tables.has('tradingState');
  const scope = new Set(names);
  if (touchesAudit) scope.add('audit').add('tradingState');
  await db.transaction('rw', [...scope].map((n) => db.table(n)), async () => {
    const deviceHead = touchesAudit ? await db.tradingState.get(AUDIT_HEAD_KEY) : undefined;
    for (const name of names) {
      const table = db.table(name);
      await table.clear();
      const rows = tables.get(name)!;
      for (let at = 0; at < rows.length; at += WRITE_SLICE) {
        // Checked between requests: a cancel that arrived meanwhile aborts the whole transaction.
        if (options.signal.aborted) throw cancelled('import');
        await table.bulkAdd(rows.slice(at, at + WRITE_SLICE));
        done += Math.min(WRITE_SLICE, rows.length - at);
        options.progress({ stage: 'Writing to this device', done, total });
      }
    }
    if (options.signal.aborted) throw cancelled('import');
    if (touchesAudit) await keepAuditPaired(db, tables, deviceHead);
  });
  return { tables: names.length, rows: total };
}

/**
 * The log and its head (in tradingState) must describe each other. A file may hold one without the
 * other (or come from before the chain): the head follows the log that ends up on the device, and an
 * unhashed log is chained, all in the import's transaction.
 */
async function keepAuditPaired(
  db: LyraDb,
  tables: ReadonlyMap<string, readonly unknown[]>,
  deviceHead: SettingRow | undefined,
): Promise<void> {
  if (tables.has('audit') && !tables.has('tradingState')) await db.tradingState.delete(AUDIT_HEAD_KEY);
  if (!tables.has('audit') && tables.has('tradingState')) {
    if (deviceHead) await db.tradingState.put(deviceHead);
    else await db.tradingState.delete(AUDIT_HEAD_KEY);
  }
  await settleRestoredAudit(db.audit, db.tradingState);
}

/** Rows per table in the file next to this device's, for the preview. */
export async function compareWithDevice(
  db: LyraDb,
  counts: Readonly<Record<string, number>>,
): Promise<DatabaseTableCompare[]> {
  const names = Object.keys(counts);
  const onDevice = await db.transaction(
    'r',
    names.map((n) => db.table(n)),
    () => Promise.all(names.map((n) => db.table(n).count())),
  );
  return names.map((name, i) => ({ name, inFile: counts[name]!, onDevice: onDevice[i]! }));
}
