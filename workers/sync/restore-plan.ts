import { FrameParser, Op, readHeader, rowHash, type Frame } from './backup-format.js';
import type { TableIndex } from './snapshot.js';
import { CodecError } from './value-codec.js';

/** A table as a backup version describes it: row key (JSON text) → the row's encoded bytes. */
export type TableRows = Map<string, Uint8Array>;
/** Every backed-up table, as of one version. */
export type BackupState = Map<string, TableRows>;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Replays the frames of a full backup and then its increments, in order, into the state of one
 * version. Rows stay encoded until they are written, which keeps memory close to the backup's size.
 */
export class StateBuilder {
  readonly state: BackupState = new Map();
  private parser: FrameParser | null = null;
  private tables: string[] | null = null;

  constructor(private readonly known: ReadonlySet<string>) {}

  beginVersion(kind: 'full' | 'incremental'): void {
    if (kind === 'full') this.state.clear();
    else if (this.state.size === 0 && this.tables === null) {
      throw new CodecError('An incremental backup needs the full backup it builds on.');
    }
    this.parser = new FrameParser();
    this.tables = null;
  }

  push(bytes: Uint8Array): void {
    if (!this.parser) throw new Error('beginVersion first');
    for (const frame of this.parser.push(bytes)) this.apply(frame);
  }

  endVersion(): void {
    this.parser?.end();
    if (!this.tables) throw new CodecError('The backup is empty: it has no header.');
    this.parser = null;
  }

  private apply(frame: Frame): void {
    if (!this.tables) {
      const header = readHeader(frame);
      const unknown = header.tables.filter((t) => !this.known.has(t));
      if (unknown.length) {
        throw new CodecError(
          `The backup holds tables this version of Lyra does not know (${unknown.join(', ')}): update Lyra, then restore.`,
        );
      }
      this.tables = header.tables;
      for (const t of header.tables) if (!this.state.has(t)) this.state.set(t, new Map());
      return;
    }
    const name = this.tables[frame.table];
    if (name === undefined) throw new CodecError('A backup record names a table that is not in its header.');
    const rows = this.state.get(name)!;
    if (frame.op === Op.Put) {
      const p = frame.payload;
      if (p.length < 4) throw new CodecError('A backup row is cut short.');
      const keyLength = new DataView(p.buffer, p.byteOffset, 4).getUint32(0, true);
      if (4 + keyLength > p.length) throw new CodecError('A backup row is cut short.');
      const key = decoder.decode(p.subarray(4, 4 + keyLength));
      rows.set(key, p.slice(4 + keyLength));
    } else if (frame.op === Op.Delete) {
      rows.delete(decoder.decode(frame.payload));
    } else {
      throw new CodecError('A backup has a second header in the middle.');
    }
  }
}

export function indexOfRows(rows: TableRows): TableIndex {
  const keys: string[] = [];
  const hashes = new Float64Array(rows.size);
  let i = 0;
  for (const [key, bytes] of rows) {
    keys.push(key);
    hashes[i++] = rowHash(bytes);
  }
  return { keys, hashes };
}

export interface TableChange {
  /** Rows now on this device. */
  current: number;
  /** Rows after the restore. */
  restored: number;
  added: number;
  changed: number;
  removed: number;
}

/** What a restore would do to one table: compares row hashes, not rows. */
export function compareTable(current: TableIndex, target: TableIndex): TableChange {
  const now = new Map<string, number>();
  current.keys.forEach((k, i) => now.set(k, current.hashes[i]!));
  let added = 0;
  let changed = 0;
  target.keys.forEach((k, i) => {
    const h = now.get(k);
    if (h === undefined) added++;
    else {
      if (h !== target.hashes[i]) changed++;
      now.delete(k);
    }
  });
  return {
    current: current.keys.length,
    restored: target.keys.length,
    added,
    changed,
    removed: now.size,
  };
}
