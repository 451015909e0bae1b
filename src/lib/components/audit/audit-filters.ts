import type { AuditKind, AuditQuery } from '$workers/api';
import { localInputToMs } from '../../trading/time';

/** A stretch of the log by sequence number, shown around a problem the check found. */
export interface SeqRange {
  from: number;
  to: number;
}

/** The filters as the form holds them. */
export interface AuditFilterValues {
  kind: AuditKind | '';
  symbol: string;
  orderId: string;
  /** A datetime-local input's value, in this device's time zone. */
  since: string;
  range: SeqRange | null;
}

export function noFilters(): AuditFilterValues {
  return { kind: '', symbol: '', orderId: '', since: '', range: null };
}

/** A copy that later edits of the form cannot change. */
export function snapshotFilters(v: AuditFilterValues): AuditFilterValues {
  return { ...v, range: v.range ? { ...v.range } : null };
}

/** What the engine is asked for: blanks and surrounding spaces mean "any". */
export function filterQuery(v: AuditFilterValues): AuditQuery {
  return {
    kind: v.kind || null,
    symbol: v.symbol.trim() || null,
    orderId: v.orderId.trim() || null,
    since: localInputToMs(v.since),
    fromSeq: v.range?.from ?? null,
    toSeq: v.range?.to ?? null,
  };
}

export function hasFilters(v: AuditFilterValues): boolean {
  return Object.values(filterQuery(v)).some((x) => x !== null);
}

/** Whether two sets of filters ask for the same entries (spaces around text do not count). */
export function sameFilters(a: AuditFilterValues, b: AuditFilterValues): boolean {
  const qa = filterQuery(a);
  const qb = filterQuery(b);
  return (Object.keys(qa) as Array<keyof AuditQuery>).every((k) => qa[k] === qb[k]);
}
