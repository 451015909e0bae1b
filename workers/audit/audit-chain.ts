import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Table } from 'dexie';
import type { AuditEntry } from '../trading/types.js';
import { canonicalJson } from './canonical.js';

/**
 * The audit log's hash chain. Every entry stores the previous entry's hash and its own: SHA-256 over
 * the previous hash and the canonical text of every field but `seq` (given by IndexedDB) and the hashes.
 * The head (last seq, its hash, the number of entries) is kept beside the log and moved in the same
 * transaction as every append, so removing entries from the end shows too. Hashing is synchronous on
 * purpose: awaiting WebCrypto inside a Dexie transaction would let it commit half-way.
 */

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** Where the head is kept in the tradingState table. */
export const AUDIT_HEAD_KEY = 'auditHead';

export interface AuditHead {
  /** Sequence number of the last chained entry. */
  seq: number;
  hash: string;
  /** How many entries the chain holds. */
  count: number;
}

interface StateRow {
  key: string;
  value: unknown;
}

export type AuditTable = Table<AuditEntry, number>;
export type StateTable = Table<StateRow, string>;

/** The fields an entry is hashed over: all but its sequence number and the chain's own two. */
export function hashedFields(entry: AuditEntry): Record<string, unknown> {
  const { seq: _seq, hash: _hash, prevHash: _prev, ...fields } = entry;
  return fields;
}

/** An entry's hash, hex, given the hash it follows. */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  return bytesToHex(sha256(utf8ToBytes(`${prevHash}\n${canonicalJson(hashedFields(entry))}`)));
}

function isHead(v: unknown): v is AuditHead {
  const h = v as AuditHead | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.seq === 'number' &&
    typeof h.hash === 'string' &&
    typeof h.count === 'number'
  );
}

export async function readAuditHead(state: StateTable): Promise<AuditHead | null> {
  const row = await state.get(AUDIT_HEAD_KEY);
  return isHead(row?.value) ? row.value : null;
}

/**
 * Adds entries to the log, chained after the current head, and moves the head. Call inside a Dexie
 * transaction that holds both tables: the entries and the head are then written together or not at all.
 * Any `seq`, `hash` or `prevHash` the caller passed is ignored (the log is append-only).
 */
export async function appendAudit(
  audit: AuditTable,
  state: StateTable,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const head = await readAuditHead(state);
  let prevHash = head?.hash ?? GENESIS_HASH;
  const rows = entries.map((e) => {
    const fields = hashedFields(e) as Omit<AuditEntry, 'seq' | 'hash' | 'prevHash'>;
    const hash = entryHash(prevHash, fields);
    const row: AuditEntry = { ...fields, prevHash, hash };
    prevHash = hash;
    return row;
  });
  const lastSeq = await audit.bulkAdd(rows);
  const next: AuditHead = { seq: lastSeq, hash: prevHash, count: (head?.count ?? 0) + rows.length };
  await state.put({ key: AUDIT_HEAD_KEY, value: next });
}

/** Where chaining starts: the first entry to (re)hash, the hash it follows and how many come before. */
export interface ChainStart {
  /** Sequence number of the first entry to chain; null for the first entry of the log. */
  fromSeq: number | null;
  prevHash: string;
  /** Entries before `fromSeq`, already chained. */
  count: number;
}

/**
 * Chains a log written before entries were hashed, in sequence order, and writes its head. Used by the
 * schema upgrade that introduced the chain; pages keep memory flat on a long log.
 */
export function chainExistingAudit(audit: AuditTable, state: StateTable, pageSize = 1000): Promise<void> {
  return chainFrom(audit, state, { fromSeq: null, prevHash: GENESIS_HASH, count: 0 }, pageSize);
}

/**
 * Hashes every entry from `start.fromSeq` to the end of the log, each after the one before, and writes
 * the head. Entries before it are not read or touched. Call inside a transaction holding both tables.
 */
export async function chainFrom(
  audit: AuditTable,
  state: StateTable,
  start: ChainStart,
  pageSize = 1000,
): Promise<void> {
  let prevHash = start.prevHash;
  let count = start.count;
  let lastSeq: number | null = null;
  for (;;) {
    const page: AuditEntry[] =
      lastSeq !== null
        ? await audit.where(':id').above(lastSeq).limit(pageSize).toArray()
        : start.fromSeq !== null
          ? await audit.where(':id').aboveOrEqual(start.fromSeq).limit(pageSize).toArray()
          : await audit.orderBy(':id').limit(pageSize).toArray();
    if (page.length === 0) break;
    const rows = page.map((e) => {
      const hash = entryHash(prevHash, e);
      const row: AuditEntry = { ...e, prevHash, hash };
      prevHash = hash;
      return row;
    });
    await audit.bulkPut(rows);
    count += rows.length;
    lastSeq = rows[rows.length - 1]!.seq!;
  }
  if (lastSeq !== null)
    await state.put({ key: AUDIT_HEAD_KEY, value: { seq: lastSeq, hash: prevHash, count } });
}
