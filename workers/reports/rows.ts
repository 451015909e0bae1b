import type { FillRecord } from '../trading/types.js';

/** One imported file: what it held, so the screen can list imports and undo one. Placeholder shape. */
export interface ImportRow {
  id: string;
  createdAt: number;
}

/** A trade from another exchange's export, kept apart from the trading engine's own fills. */
export interface ImportedFillRow extends FillRecord {
  importId: string;
}
