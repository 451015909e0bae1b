import type { AlertFiring } from './types.js';

/**
 * The alert history: firings in the order they happened, append-only, at most `cap` of them (the
 * oldest are dropped first). Each entry gets a sequence number that keeps counting across drops, so a
 * view can tell what it has already shown. Plain JSON through `toJSON()` / `AlertHistory.from()`.
 */

export const DEFAULT_HISTORY_CAP = 500;

export interface AlertHistoryEntry extends AlertFiring {
  seq: number;
}

export interface AlertHistoryState {
  v: 1;
  cap: number;
  /** The sequence number the next entry gets; entries dropped so far = nextSeq - entries.length. */
  nextSeq: number;
  entries: AlertHistoryEntry[];
}

function assertCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(
      `The alert history cap must be a whole number >= 1, got ${String(cap)}; use e.g. ${DEFAULT_HISTORY_CAP}`,
    );
}

export class AlertHistory {
  private items: AlertHistoryEntry[] = [];
  private nextSeq = 1;

  constructor(readonly cap = DEFAULT_HISTORY_CAP) {
    assertCap(cap);
  }

  /**
   * A history from a stored `toJSON()`. Entries that are not firings are skipped; a cap that is not a
   * whole number >= 1 falls back to `fallbackCap`. A cap smaller than what is stored keeps the newest.
   */
  static from(raw: unknown, fallbackCap = DEFAULT_HISTORY_CAP): AlertHistory {
    const r = typeof raw === 'object' && raw !== null ? (raw as Partial<AlertHistoryState>) : {};
    const cap = Number.isInteger(r.cap) && (r.cap as number) >= 1 ? (r.cap as number) : fallbackCap;
    const h = new AlertHistory(cap);
    const entries = Array.isArray(r.entries) ? r.entries.filter(isEntry) : [];
    h.items = entries.slice(-cap).map((e) => ({ ...e }));
    const lastSeq = h.items.length > 0 ? (h.items[h.items.length - 1] as AlertHistoryEntry).seq : 0;
    h.nextSeq = Math.max(Number.isInteger(r.nextSeq) ? (r.nextSeq as number) : 1, lastSeq + 1);
    return h;
  }

  get length(): number {
    return this.items.length;
  }

  /** How many entries were dropped to keep within the cap. */
  get dropped(): number {
    const first = this.items[0];
    return first === undefined ? this.nextSeq - 1 : first.seq - 1;
  }

  /** Appends firings in order; returns the entries as stored. */
  append(firings: readonly AlertFiring[]): AlertHistoryEntry[] {
    const added = firings.map((f) => ({ ...f, seq: this.nextSeq++ }));
    this.items.push(...added);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
    return added.map((e) => ({ ...e }));
  }

  /** Oldest first. */
  entries(): AlertHistoryEntry[] {
    return this.items.map((e) => ({ ...e }));
  }

  forAlert(alertId: string): AlertHistoryEntry[] {
    return this.items.filter((e) => e.alertId === alertId).map((e) => ({ ...e }));
  }

  toJSON(): AlertHistoryState {
    return { v: 1, cap: this.cap, nextSeq: this.nextSeq, entries: this.entries() };
  }
}

function isEntry(x: unknown): x is AlertHistoryEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    Number.isInteger(e.seq) &&
    typeof e.alertId === 'string' &&
    typeof e.message === 'string' &&
    typeof e.time === 'number' &&
    Number.isFinite(e.time) &&
    typeof e.late === 'boolean'
  );
}
