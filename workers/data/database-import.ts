import type { JobProgress } from '../research/api.js';
import type { LyraDb } from '../store/db.js';
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
  await db.transaction(
    'rw',
    names.map((n) => db.table(n)),
    async () => {
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
    },
  );
  return { tables: names.length, rows: total };
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
