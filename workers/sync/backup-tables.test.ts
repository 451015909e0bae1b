import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LyraDb } from '../store/db.js';
import { schemaVersions } from '../store/schema.js';
import { backedUpTables, notBackedUp } from './backup-tables.js';

/** The tables of the newest schema: every version's stores, minus those a later version deletes (null). */
function newestTables(): string[] {
  const tables = new Set<string>();
  for (const { stores } of [...schemaVersions].sort((a, b) => a.version - b.version)) {
    for (const [name, spec] of Object.entries(stores)) {
      if (spec === null) tables.delete(name);
      else tables.add(name);
    }
  }
  return [...tables].sort();
}

describe('which tables a backup holds', () => {
  const backed = new Set<string>(backedUpTables);
  const left = new Set<string>(notBackedUp);

  it('places every table of the newest schema on exactly one list', () => {
    const tables = newestTables();
    const unplaced = tables.filter((t) => !backed.has(t) && !left.has(t));
    const both = tables.filter((t) => backed.has(t) && left.has(t));
    // A new table must be added to backedUpTables or notBackedUp on purpose, never left out silently.
    expect(unplaced, 'tables on neither list').toEqual([]);
    expect(both, 'tables on both lists').toEqual([]);
    // And no list names a table that does not exist (a rename would otherwise go unnoticed).
    expect(
      [...backed, ...left].filter((t) => !tables.includes(t)),
      'no such table',
    ).toEqual([]);
    expect(new Set([...backedUpTables, ...notBackedUp]).size).toBe(
      backedUpTables.length + notBackedUp.length,
    );
  });

  it('agrees with the tables Dexie opens, and every backed-up one has an inline primary key', async () => {
    const db = new LyraDb(`backup-tables-test-${process.pid}`);
    try {
      await db.open();
      expect(db.tables.map((t) => t.name).sort()).toEqual(newestTables());
      expect(db.verno).toBe(Math.max(...schemaVersions.map((v) => v.version)));
      for (const name of backedUpTables) {
        // read-tables.ts reads each row's key off the row: an outbound key could not be restored.
        const keyPath = db.table(name).schema.primKey.keyPath;
        expect(keyPath, name).toBeTruthy();
      }
    } finally {
      db.close();
      await db.delete();
    }
  });
});
