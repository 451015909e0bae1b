import type { LayoutId } from '../trade-import/types.js';
import type { FillRecord } from '../trading/types.js';

/** One imported file: what it held, so the screen can list imports and undo one. */
export interface ImportRow {
  id: string;
  /** The file's name as chosen (or "pasted text"), for the list. */
  fileName: string;
  /** The account the import went into (a generic file's rows may name others; see `accounts`). */
  accountId: string;
  /** Every account the added fills belong to, sorted. */
  accounts: string[];
  layout: LayoutId;
  /** Fills this import added (trades already stored by an earlier import are not counted). */
  rows: number;
  /** Trades of the file that were already stored when it was imported. */
  alreadyImported: number;
  /**
   * Earlier imports that already held some of this file's trades (stored under theirs, not this one):
   * removing one of them removes those trades although this file has them too. Absent on older rows.
   */
  overlaps?: string[];
  /** Trades of the file skipped as Lyra's own fills already hold them. Absent on older rows. */
  inOwnFills?: number;
  /** Earliest and latest time of the added fills, epoch ms. */
  firstTime: number;
  lastTime: number;
  symbols: string[];
  createdAt: number;
}

/** A trade from another exchange's export, kept apart from the trading engine's own fills. */
export interface ImportedFillRow extends FillRecord {
  importId: string;
}
