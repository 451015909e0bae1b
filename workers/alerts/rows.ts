import type { AlertState } from './evaluator-state.js';
import type { PriceWindowState } from './price-window.js';
import type { AlertFiring, AlertSpec } from './types.js';

/**
 * One alert as the database holds it: what the user asked for and what the evaluator has seen of it,
 * so a reload carries on mid-crossing and never fires the same crossing twice.
 */
export interface AlertRow {
  id: string;
  /** 'enabled' or 'disabled' (indexed: the evaluator loads every alert, the screen may filter). */
  status: 'enabled' | 'disabled';
  /** The market the alert watches; null for fills and risk events on every market. */
  symbol: string | null;
  spec: AlertSpec;
  /** The evaluator's crossing state for this alert; null before it has observed anything. */
  state: AlertState | null;
  /** Percent-move alerts: the price window they measure the move in. */
  window: PriceWindowState | null;
  /** Order-filled alerts: ids of fills already seen, so a fill delivered again fires nothing. */
  seenFills: string[] | null;
  updatedAt: number;
}

/** One firing, as toasts, notifications and the history show it. */
export interface AlertFiringRow extends AlertFiring {
  id: string;
  /** Epoch ms when Lyra evaluated it (`time` is the data's own time). */
  firedAt: number;
}
