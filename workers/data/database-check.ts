import { Dexie } from 'dexie';
import type { JobProgress } from '../research/api.js';
import type { LyraDb } from '../store/db.js';
import { backedUpTables } from '../sync/backup-tables.js';
import { CodecError } from '../sync/value-codec.js';
import type { DatabaseFileHeader } from './api.js';
import {
  CHECKSUM_ALGORITHM,
  CanonicalHash,
  DATABASE_FORMAT,
  DATABASE_FORMAT_VERSION,
  breathe,
  cancelled,
  dataFailure,
} from './database-format.js';
import { fromJsonValue } from './json-values.js';

/** A database file that passed every check, its rows decoded and ready to write. */
export interface CheckedDatabase {
  header: DatabaseFileHeader;
  tables: Map<string, unknown[]>;
}

export interface CheckOptions {
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
}

const AGAIN = 'Export it again on the device it came from (Data → Export database) and import that file.';
const known = new Set<string>(backedUpTables);

/**
 * Reads a database file and refuses it, with what is wrong and what to do, unless everything holds: it
 * is JSON, a Lyra database file of a format and schema this app reads, its checksum matches, it names
 * only tables this app backs up, each with as many rows as the header says, every value decodes and
 * every row has its table's primary key, never twice. Nothing is written here.
 */
export async function checkDatabaseFile(text: string, db: LyraDb, options: CheckOptions): Promise<CheckedDatabase> {
  const file = parseJson(text);
  const header = checkHeader(file, db.verno);
  const tablesValue = (file as Record<string, unknown>).tables;
  if (!isRecord(tablesValue)) throw damaged('it has no "tables" object');
  const names = Object.keys(tablesValue);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw dataFailure(
      'data-file-unknown-tables',
      `The file holds tables this version of Lyra does not know (${unknown.join(', ')}): it comes from a newer Lyra or was edited. Reload Lyra to update it, then import again.`,
    );
  for (const name of names) {
    const rows = tablesValue[name];
    if (!Array.isArray(rows)) throw damaged(`its table "${name}" is not a list of rows`);
    if (header.counts[name] !== rows.length)
      throw damaged(`its table "${name}" has ${rows.length} rows where the header says ${header.counts[name] ?? 0}`);
  }
  const missing = Object.keys(header.counts).filter((n) => !names.includes(n));
  if (missing.length > 0) throw damaged(`the header lists tables the file does not hold (${missing.join(', ')})`);

  verifyChecksum(file as Record<string, unknown>, tablesValue as Record<string, unknown[]>, names);

  const total = names.reduce((sum, n) => sum + (tablesValue[n] as unknown[]).length, 0);
  let done = 0;
  let pausedAt = Date.now();
  options.progress({ stage: 'Checking the rows', done, total });
  const tables = new Map<string, unknown[]>();
  for (const name of names) {
    const keyOf = keyReader(db, name);
    const seen = new Set<string>();
    const rows = tablesValue[name] as unknown[];
    const decoded = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      decoded[i] = decodeRow(rows[i], name, i);
      const key = keyOf(decoded[i], i);
      if (seen.has(key)) throw damaged(`row ${i + 1} of table "${name}" repeats the key ${key} of an earlier row`);
      seen.add(key);
      if (++done % 1000 === 0 && Date.now() - pausedAt >= 50) {
        options.progress({ stage: 'Checking the rows', done, total });
        await breathe();
        pausedAt = Date.now();
        if (options.signal.aborted) throw cancelled('import');
      }
    }
    tables.set(name, decoded);
  }
  options.progress({ stage: 'Checking the rows', done: total, total });
  return { header, tables };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = e instanceof Error ? ` (${e.message})` : '';
    throw dataFailure(
      'data-file-not-json',
      `The file is not valid JSON${where}: it is cut short or is not a Lyra database file. ${AGAIN}`,
    );
  }
}

function checkHeader(file: unknown, schemaVersion: number): DatabaseFileHeader {
  const header = isRecord(file) ? file.header : undefined;
  if (!isRecord(header) || header.format !== DATABASE_FORMAT)
    throw dataFailure(
      'data-file-foreign',
      'This is not a Lyra database file (its header does not say "lyra-database"). Choose a file made with Data → Export database; trade histories from exchanges go in Reports → Import trades.',
    );
  if (typeof header.formatVersion !== 'number' || header.formatVersion > DATABASE_FORMAT_VERSION)
    throw dataFailure(
      'data-file-newer-format',
      `The file was written in a newer file format (${String(header.formatVersion)}) than this Lyra reads (${DATABASE_FORMAT_VERSION}). Reload Lyra to update it, then import again.`,
    );
  if (!Number.isInteger(header.schemaVersion) || (header.schemaVersion as number) < 1)
    throw damaged('its header has no valid schemaVersion');
  if ((header.schemaVersion as number) > schemaVersion)
    throw dataFailure(
      'data-file-newer-schema',
      `The file comes from a newer version of Lyra (database version ${String(header.schemaVersion)}; this one has ${schemaVersion}). Reload Lyra to update it, then import again.`,
    );
  const counts = header.counts;
  if (!isRecord(counts) || !Object.values(counts).every((n) => Number.isInteger(n) && (n as number) >= 0))
    throw damaged('its header has no valid row counts');
  if (typeof header.exportedAt !== 'number') throw damaged('its header has no export time');
  return {
    format: DATABASE_FORMAT,
    formatVersion: header.formatVersion,
    schemaVersion: header.schemaVersion as number,
    exportedAt: header.exportedAt,
    appVersion: typeof header.appVersion === 'string' ? header.appVersion : null,
    counts: counts as Record<string, number>,
  };
}

function verifyChecksum(
  file: Record<string, unknown>,
  tables: Record<string, unknown[]>,
  names: string[],
): void {
  const checksum = file.checksum;
  if (!isRecord(checksum) || checksum.algorithm !== CHECKSUM_ALGORITHM || typeof checksum.value !== 'string')
    throw damaged('it has no SHA-256 checksum');
  // The header as written, not as normalised: an edited header must fail the checksum.
  const hash = new CanonicalHash(file.header as DatabaseFileHeader);
  for (const name of names) {
    hash.beginTable(name);
    for (const row of tables[name]!) hash.row(JSON.stringify(row));
    hash.endTable();
  }
  if (hash.hex() !== checksum.value.toLowerCase())
    throw dataFailure(
      'data-file-damaged',
      `The file is damaged: its contents do not match its SHA-256 checksum, so some rows were changed or lost after it was exported. Nothing was imported. ${AGAIN}`,
    );
}

function decodeRow(value: unknown, table: string, index: number): unknown {
  if (!isRecord(value)) throw damaged(`row ${index + 1} of table "${table}" is not an object`);
  try {
    return fromJsonValue(value);
  } catch (e) {
    const why = e instanceof CodecError ? e.message : String(e);
    throw damaged(`row ${index + 1} of table "${table}" has a value that cannot be read (${why})`);
  }
}

/** The row's primary key as text (for repeats), or a refusal naming the missing field. */
function keyReader(db: LyraDb, name: string): (row: unknown, index: number) => string {
  const keyPath = db.table(name).schema.primKey.keyPath;
  const paths = Array.isArray(keyPath) ? keyPath : [keyPath ?? ''];
  return (row, index) => {
    const parts = paths.map((path) => {
      const value: unknown = Dexie.getByKeyPath(row as object, path);
      if (!isValidKey(value))
        throw damaged(
          `row ${index + 1} of table "${name}" has ${value === undefined ? 'no' : 'an invalid'} "${path}", which every row of that table needs`,
        );
      return value;
    });
    return JSON.stringify(Array.isArray(keyPath) ? parts : parts[0]);
  };
}

function isValidKey(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (typeof value === 'number') return !Number.isNaN(value);
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (Array.isArray(value)) return value.every(isValidKey);
  return false;
}

function damaged(what: string) {
  return dataFailure('data-file-damaged', `The file is damaged: ${what}. Nothing was imported. ${AGAIN}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
