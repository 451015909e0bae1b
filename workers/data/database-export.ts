import type { JobProgress } from '../research/api.js';
import type { LyraDb } from '../store/db.js';
import { backedUpTables } from '../sync/backup-tables.js';
import type { DatabaseExportFile, DatabaseFileHeader } from './api.js';
import {
  CHECKSUM_ALGORITHM,
  CanonicalHash,
  DATABASE_FORMAT,
  DATABASE_FORMAT_VERSION,
  breathe,
  cancelled,
  datedFileName,
} from './database-format.js';
import { toJsonValue } from './json-values.js';

export interface DatabaseExportOptions {
  now: number;
  appVersion: string | null;
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
}

/** Rows encoded between looks at the clock: a pause to read messages (cancel) every ~50 ms. */
const SLICE = 500;
const PAUSE_EVERY_MS = 50;

/**
 * Every backed-up table as one JSON file. The tables are read in one transaction (one consistent
 * moment), table by table with progress, then encoded row by row; cancel works between slices.
 * Vault tables are exported as stored: ciphertext and wrapped keys, never a secret in clear.
 */
export async function exportDatabase(db: LyraDb, options: DatabaseExportOptions): Promise<DatabaseExportFile> {
  const { signal, progress } = options;
  const tables = backedUpTables.map((name) => db.table(name));
  const rowsByTable = new Map<string, unknown[]>();
  await db.transaction('r', tables, async () => {
    const counts = await Promise.all(tables.map((t) => t.count()));
    const total = counts.reduce((a, b) => a + b, 0);
    let done = 0;
    progress({ stage: 'Reading the database', done, total });
    for (const table of tables) {
      if (signal.aborted) throw cancelled('export');
      const rows = await table.toArray();
      rowsByTable.set(table.name, rows);
      done += rows.length;
      progress({ stage: 'Reading the database', done, total });
    }
  });

  const counts: Record<string, number> = {};
  for (const [name, rows] of rowsByTable) counts[name] = rows.length;
  const header: DatabaseFileHeader = {
    format: DATABASE_FORMAT,
    formatVersion: DATABASE_FORMAT_VERSION,
    schemaVersion: db.verno,
    exportedAt: options.now,
    appVersion: options.appVersion,
    counts,
  };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const hash = new CanonicalHash(header);
  const body: string[] = ['{\n'];
  let done = 0;
  let pausedAt = Date.now();
  progress({ stage: 'Writing the file', done, total });
  for (const [t, [name, rows]] of [...rowsByTable].entries()) {
    hash.beginTable(name);
    body.push(`${t > 0 ? ',\n' : ''}${JSON.stringify(name)}: [`);
    for (let at = 0; at < rows.length; at += SLICE) {
      const end = Math.min(rows.length, at + SLICE);
      for (let i = at; i < end; i++) {
        const json = JSON.stringify(toJsonValue(rows[i]));
        hash.row(json);
        body.push(i > 0 ? ',\n' : '\n', json);
      }
      done += end - at;
      if (Date.now() - pausedAt >= PAUSE_EVERY_MS) {
        progress({ stage: 'Writing the file', done, total });
        await breathe();
        pausedAt = Date.now();
      }
      if (signal.aborted) throw cancelled('export');
    }
    hash.endTable();
    body.push(rows.length > 0 ? '\n]' : ']');
  }
  body.push('\n}\n}\n');
  const checksum = { algorithm: CHECKSUM_ALGORITHM, value: hash.hex() };
  const head = `{"header": ${JSON.stringify(header)},\n"checksum": ${JSON.stringify(checksum)},\n"tables": `;
  const blob = new Blob([head, ...body], { type: 'application/json' });
  progress({ stage: 'Writing the file', done: total, total });
  return {
    fileName: datedFileName('lyra-database', options.now, 'json'),
    blob,
    bytes: blob.size,
    header,
  };
}
