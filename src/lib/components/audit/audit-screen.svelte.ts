import type {
  AuditEntry,
  AuditKind,
  AuditProblem,
  AuditQuery,
  AuditVerifyResult,
  JobProgress,
} from '$workers/api';
import { engine } from '$lib/engine/engine';
import { KeyedActions } from '$lib/state/keyed-actions.svelte';
import { downloadText } from '$lib/files/download';
import { isoTime } from '$lib/trading/time';
import {
  filterQuery,
  hasFilters,
  noFilters,
  sameFilters,
  snapshotFilters,
  type AuditFilterValues,
  type SeqRange,
} from './audit-filters';

export type { SeqRange } from './audit-filters';

export const AUDIT_PAGE_LIMIT = 500;

/** Entries shown on either side of a problem, for context. */
const CONTEXT = 2;

/** The part of the log a problem concerns, with a little context; none for problems of the whole log. */
export function problemRange(p: AuditProblem): SeqRange | null {
  if (p.seq === null) return null;
  const from = Math.floor(Math.min(p.after ?? p.seq, p.seq)) - CONTEXT;
  return { from: Math.max(1, from), to: Math.ceil(p.seq) + CONTEXT };
}

/**
 * The audit screen's state: the filters, the entries they show, the integrity check and the export.
 * Every read and check runs in the engine worker; this only keeps what the screen shows.
 *
 * The form's fields are a draft: `applied` is what the entries on screen were loaded with, and both
 * Refresh and Export use it, so neither acts on edits the user has not applied.
 */
export class AuditScreen {
  kind = $state<AuditKind | ''>('');
  symbol = $state('');
  orderId = $state('');
  since = $state('');
  range = $state<SeqRange | null>(null);
  entries = $state.raw<AuditEntry[] | null>(null);
  loadedAt = $state<number | null>(null);

  check = $state.raw<AuditVerifyResult | null>(null);
  progress = $state.raw<JobProgress | null>(null);
  cancelling = $state(false);

  readonly actions = new KeyedActions();
  private jobId: string | null = null;

  /** The filters the entries on screen were loaded with. */
  applied = $state.raw<AuditFilterValues>(noFilters());

  /** Whether the shown entries are filtered (by what was applied, not by edits in the form). */
  get filtered(): boolean {
    return hasFilters(this.applied);
  }

  /** Whether the form holds edits not applied yet. */
  get edited(): boolean {
    return !sameFilters(this.draft(), this.applied);
  }

  /** Sequence numbers the last check found a problem at, to mark their rows. */
  get flagged(): readonly number[] {
    return (this.check?.problems ?? []).flatMap((p) => (p.seq === null ? [] : [p.seq]));
  }

  private draft(): AuditFilterValues {
    const { kind, symbol, orderId, since, range } = this;
    return { kind, symbol, orderId, since, range };
  }

  /** What Refresh and Export ask for: the applied filters. */
  query(): AuditQuery {
    return filterQuery(this.applied);
  }

  /** Takes the form's filters and loads the entries they match. */
  apply(): Promise<void> {
    this.applied = snapshotFilters(this.draft());
    return this.load();
  }

  /** Loads again with the applied filters, leaving the form's edits as they are. */
  async load(): Promise<void> {
    const r = await this.actions.run('load', () =>
      engine().audit.entries({ ...this.query(), limit: AUDIT_PAGE_LIMIT }),
    );
    if (r.ok) {
      this.entries = r.value;
      this.loadedAt = Date.now();
    }
  }

  byOrder(id: string): Promise<void> {
    this.orderId = id;
    this.range = null;
    return this.apply();
  }

  clear(): Promise<void> {
    this.kind = '';
    this.symbol = '';
    this.orderId = '';
    this.since = '';
    this.range = null;
    return this.apply();
  }

  /** Shows the entries around a problem, whatever the filters were. */
  show(range: SeqRange): Promise<void> {
    this.kind = '';
    this.symbol = '';
    this.orderId = '';
    this.since = '';
    this.range = range;
    return this.apply();
  }

  async verify(): Promise<void> {
    if (this.jobId) return;
    const jobId = `audit-check-${Date.now().toString(36)}`;
    this.jobId = jobId;
    this.progress = null;
    this.cancelling = false;
    const r = await this.actions.run('verify', () =>
      engine().audit.verify(jobId, (p) => {
        if (this.jobId === jobId) this.progress = p;
      }),
    );
    this.jobId = null;
    this.cancelling = false;
    if (r.ok) this.check = r.value;
  }

  async cancelVerify(): Promise<void> {
    if (!this.jobId) return;
    this.cancelling = true;
    await this.actions.run('cancel', () => engine().audit.cancel(this.jobId!));
  }

  /** Downloads every entry the applied filters match (not only the newest shown) as CSV, made on this device. */
  async exportCsv(): Promise<void> {
    const r = await this.actions.run('export', () => engine().audit.exportCsv(this.query()));
    if (r.ok) {
      const stamp = isoTime(Date.now()).slice(0, 19).replace(/[:T]/g, '-');
      downloadText(r.value, `lyra-audit-${stamp}.csv`, 'text/csv');
    }
  }
}
