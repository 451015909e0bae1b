import type { AlertView } from './api.js';
import type { EvaluatorState } from './evaluator-state.js';
import type { AlertFiringRow } from './rows.js';
import type { AlertSpec } from './types.js';

/** Stored state for alerts `mine` does not know (restored in another tab), `mine` for the rest. */
export function mergeState(stored: EvaluatorState, mine: EvaluatorState): EvaluatorState {
  return {
    v: 1,
    alerts: { ...stored.alerts, ...mine.alerts },
    windows: { ...stored.windows, ...mine.windows },
    seenFills: mine.seenFills.length > 0 ? mine.seenFills : stored.seenFills,
  };
}

/**
 * Specs read from the database, with the one-shot alerts that fired but whose firing is not stored yet
 * switched off: the rows still say enabled, and enabling them again would let them fire twice.
 */
export function keepSwitchedOff(
  specs: readonly AlertSpec[],
  unsaved: readonly AlertFiringRow[],
): AlertSpec[] {
  const off = new Set(unsaved.filter((f) => f.disabled).map((f) => f.alertId));
  return specs.map((s) => (off.has(s.id) && s.enabled ? { ...s, enabled: false } : s));
}

/** What the list shows that is worth telling: status, firings and whether it is on. */
export function signatureOf(views: readonly AlertView[]): string {
  return views.map((v) => `${v.spec.id}:${v.status}:${v.firedCount}:${v.spec.enabled}`).join('|');
}
