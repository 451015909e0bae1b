import type { LyraDb } from '../store/db.js';
import type { HistoryPage, HistoryQuery } from './api.js';
import { stableJson, type EvaluatorState } from './evaluator-state.js';
import type { AlertFiringRow, AlertRow } from './rows.js';
import type { AlertSpec } from './types.js';

/** Firings kept; the oldest go first. */
export const MAX_FIRINGS = 5000;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

/** The evaluator's state split into per-alert row fields, and put back together. */
export function stateFields(
  spec: AlertSpec,
  state: EvaluatorState,
): Pick<AlertRow, 'state' | 'window' | 'seenFills'> {
  const window =
    spec.kind === 'percent-move' ? (state.windows[`${spec.windowMs}|${spec.symbol}`] ?? null) : null;
  return {
    state: state.alerts[spec.id] ?? null,
    window,
    seenFills: spec.kind === 'order-filled' ? state.seenFills.slice() : null,
  };
}

/**
 * The stored state that matters after a restart. A channel's last value and time change with every
 * price and are left out: the side and arming they lead to are what a restart must not lose.
 */
export function stateSignature(f: Pick<AlertRow, 'state' | 'window' | 'seenFills'>): string {
  const channels: Record<string, unknown> = {};
  for (const [k, c] of Object.entries(f.state?.channels ?? {}))
    channels[k] = { armedUp: c.armedUp, armedDown: c.armedDown, side: c.side };
  const state = f.state ? { ...f.state, channels } : null;
  return stableJson({ state, window: f.window ?? null, seenFills: f.seenFills ?? null });
}

export function joinState(rows: readonly AlertRow[]): EvaluatorState {
  const state: EvaluatorState = { v: 1, alerts: {}, windows: {}, seenFills: [] };
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.state) state.alerts[row.spec.id] = row.state;
    if (row.window && row.spec.kind === 'percent-move')
      state.windows[`${row.spec.windowMs}|${row.spec.symbol}`] = row.window;
    for (const id of row.seenFills ?? [])
      if (!seen.has(id)) {
        seen.add(id);
        state.seenFills.push(id);
      }
  }
  return state;
}

export function rowOf(spec: AlertSpec, state: EvaluatorState | null, now: number): AlertRow {
  return {
    id: spec.id,
    status: spec.enabled ? 'enabled' : 'disabled',
    symbol: spec.symbol,
    spec,
    ...(state ? stateFields(spec, state) : { state: null, window: null, seenFills: null }),
    updatedAt: now,
  };
}

/** The alerts and their firings in IndexedDB. Writes that belong together are one transaction. */
export class AlertStore {
  constructor(private readonly db: LyraDb) {}

  all(): Promise<AlertRow[]> {
    return this.db.alerts.toArray();
  }

  get(id: string): Promise<AlertRow | undefined> {
    return this.db.alerts.get(id);
  }

  async put(row: AlertRow): Promise<void> {
    await this.db.alerts.put(row);
  }

  /** Stores a spec change, keeping the stored crossing state; false when the alert is gone. */
  async putSpec(spec: AlertSpec, now: number): Promise<boolean> {
    return this.db.transaction('rw', this.db.alerts, async () => {
      const row = await this.db.alerts.get(spec.id);
      if (!row) return false;
      await this.db.alerts.put({
        ...row,
        spec,
        status: spec.enabled ? 'enabled' : 'disabled',
        symbol: spec.symbol,
        updatedAt: now,
      });
      return true;
    });
  }

  async remove(id: string): Promise<AlertRow | undefined> {
    return this.db.transaction('rw', this.db.alerts, async () => {
      const row = await this.db.alerts.get(id);
      if (row) await this.db.alerts.delete(id);
      return row;
    });
  }

  /**
   * Records firings and the evaluator's state in one transaction: either both are stored or neither,
   * so a reload never fires a crossing again that the history already holds. Only the state fields of
   * each stored row change (another tab may have renamed or snoozed it meanwhile); alerts a one-shot
   * firing switched off are stored disabled. Alerts deleted meanwhile stay deleted.
   */
  async commit(firings: readonly AlertFiringRow[], state: EvaluatorState, now: number): Promise<number> {
    const { alerts, alertFirings } = this.db;
    const disabled = new Set(firings.filter((f) => f.disabled).map((f) => f.alertId));
    return this.db.transaction('rw', alerts, alertFirings, async () => {
      const rows = await alerts.toArray();
      // Only rows whose state really changed are written: backups watch this table.
      const next: AlertRow[] = [];
      for (const row of rows) {
        const off = disabled.has(row.id) && row.spec.enabled;
        const spec = off ? { ...row.spec, enabled: false } : row.spec;
        const fields = stateFields(spec, state);
        if (!off && stateSignature(fields) === stateSignature(row)) continue;
        next.push({ ...row, spec, status: spec.enabled ? 'enabled' : 'disabled', ...fields, updatedAt: now });
      }
      if (next.length) await alerts.bulkPut(next);
      if (firings.length === 0) return next.length;
      await alertFirings.bulkAdd(firings.slice());
      const excess = (await alertFirings.count()) - MAX_FIRINGS;
      if (excess > 0) {
        const oldest = await alertFirings.orderBy('time').limit(excess).primaryKeys();
        await alertFirings.bulkDelete(oldest);
      }
      return next.length;
    });
  }

  async history(query: HistoryQuery = {}): Promise<HistoryPage> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE)));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const matches = (f: AlertFiringRow) =>
      (query.alertId == null || f.alertId === query.alertId) &&
      (query.kind == null || f.kind === query.kind) &&
      (query.late == null || f.late === query.late) &&
      (query.since == null || f.time >= query.since);
    const all = this.db.alertFirings.orderBy('time').reverse().filter(matches);
    const [total, firings] = await Promise.all([
      this.db.alertFirings.orderBy('time').filter(matches).count(),
      all.offset(offset).limit(limit).toArray(),
    ]);
    return { firings, total };
  }

  async clearHistory(alertId: string | null): Promise<number> {
    if (alertId === null) {
      const n = await this.db.alertFirings.count();
      await this.db.alertFirings.clear();
      return n;
    }
    return this.db.alertFirings.where('alertId').equals(alertId).delete();
  }
}
