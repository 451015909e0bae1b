import { Op, frameHead, headerFrame, rowHash } from './backup-format.js';
import { ByteWriter, writeValue } from './value-codec.js';

const encoder = new TextEncoder();

/** Per table, the key and hash of every row as of the last backup: what an incremental diffs against. */
export interface TableIndex {
  keys: string[];
  hashes: Float64Array;
}
export type BackupIndex = Record<string, TableIndex>;

export interface TableStats {
  /** Rows in the table as of this version. */
  rows: number;
  /** Rows written by this version (all of them in a full backup). */
  puts: number;
  deletes: number;
}

export interface SnapshotTable {
  name: string;
  rows: readonly unknown[];
  keyOf: (row: unknown) => unknown;
}

export interface SnapshotResult {
  index: BackupIndex;
  stats: Record<string, TableStats>;
  plainBytes: number;
  rowsDone: number;
}

/** Keys are strings, numbers or arrays of them (Dexie primary keys), so JSON names them exactly. */
export function keyString(key: unknown): string {
  return JSON.stringify(key);
}

/**
 * Turns a consistent read of the tables into backup frames, in segments of about `segmentBytes`, so the
 * caller can compress, encrypt, report progress and cancel between them. With `previous`, only rows
 * whose bytes changed are written, and keys that disappeared become deletes.
 */
export function* snapshotSegments(
  tables: readonly SnapshotTable[],
  previous: BackupIndex | null,
  result: SnapshotResult,
  segmentBytes = 1 << 20,
): Generator<Uint8Array<ArrayBuffer>> {
  const out = new ByteWriter(segmentBytes + (1 << 16));
  const row = new ByteWriter(1 << 12);
  out.bytes(headerFrame({ format: 1, tables: tables.map((t) => t.name) }));
  result.plainBytes = 0;
  result.rowsDone = 0;
  for (const [t, table] of tables.entries()) {
    const before = previous ? lookup(previous[table.name]) : null;
    const keys: string[] = new Array<string>(table.rows.length);
    const hashes = new Float64Array(table.rows.length);
    const stats: TableStats = { rows: table.rows.length, puts: 0, deletes: 0 };
    for (const [i, value] of table.rows.entries()) {
      row.reset();
      writeValue(row, value);
      const bytes = row.written();
      const key = keyString(table.keyOf(value));
      const hash = rowHash(bytes);
      keys[i] = key;
      hashes[i] = hash;
      result.rowsDone++;
      if (before?.get(key) === hash) continue;
      stats.puts++;
      const keyBytes = encoder.encode(key);
      out.bytes(frameHead(Op.Put, t, 4 + keyBytes.length + bytes.length));
      out.u32(keyBytes.length);
      out.bytes(keyBytes);
      out.bytes(bytes);
      if (out.length >= segmentBytes) {
        result.plainBytes += out.length;
        yield out.take();
        out.reset();
      }
    }
    if (before) {
      const now = new Set(keys);
      for (const key of before.keys()) {
        if (now.has(key)) continue;
        const payload = encoder.encode(key);
        stats.deletes++;
        out.bytes(frameHead(Op.Delete, t, payload.length));
        out.bytes(payload);
      }
    }
    result.index[table.name] = { keys, hashes };
    result.stats[table.name] = stats;
  }
  if (out.length) {
    result.plainBytes += out.length;
    yield out.take();
  }
}

function lookup(index: TableIndex | undefined): Map<string, number> {
  const map = new Map<string, number>();
  if (index) index.keys.forEach((k, i) => map.set(k, index.hashes[i]!));
  return map;
}
