import { Dexie } from 'dexie';
import type { LyraDb } from '../store/db.js';
import { backedUpTables } from './backup-tables.js';
import { snapshotSegments, type BackupIndex, type SnapshotResult, type SnapshotTable } from './snapshot.js';

/** Every backed-up table, read in one transaction: the rows of all of them as of one moment. */
export async function readBackedUpTables(db: LyraDb): Promise<SnapshotTable[]> {
  const tables = backedUpTables.map((name) => db.table(name));
  const rows = await db.transaction('r', tables, () => Promise.all(tables.map((t) => t.toArray())));
  return tables.map((t, i) => ({ name: t.name, rows: rows[i]!, keyOf: keyGetter(t.schema.primKey.keyPath) }));
}

/** The index of the tables as they are now, to say what a restore would change. */
export async function currentIndex(db: LyraDb): Promise<BackupIndex> {
  const result: SnapshotResult = { index: {}, stats: {}, plainBytes: 0, rowsDone: 0 };
  // Draining the generator fills result.index; the frames themselves are not needed.
  for (const segment of snapshotSegments(await readBackedUpTables(db), null, result)) void segment;
  return result.index;
}

/** Reads a Dexie primary key off a row (a property, or several for a compound key). */
function keyGetter(keyPath: string | string[] | null | undefined): (row: unknown) => unknown {
  if (Array.isArray(keyPath)) return (row) => keyPath.map((p) => Dexie.getByKeyPath(row as object, p));
  if (typeof keyPath === 'string') return (row) => Dexie.getByKeyPath(row as object, keyPath);
  throw new Error('Backed-up tables must have an inline primary key.');
}
