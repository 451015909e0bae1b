import 'fake-indexeddb/auto';
import { LyraDb } from '../../store/db.js';

let count = 0;

/** A fresh real LyraDb on fake-indexeddb, one per test. */
export async function freshDb(): Promise<LyraDb> {
  const db = new LyraDb(`reports-${++count}-${Math.random()}`);
  await db.open();
  return db;
}
