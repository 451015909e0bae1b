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
import { downloadText } from '$lib/research/download';
import { isoTime, localInputToMs } from '$lib/trading/time';

export const AUDIT_PAGE_LIMIT = 500;

/** A stretch of the log by sequence number, shown around a problem the check found. */
export interface SeqRange {
  from: number;
  to: number;
}

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

  get filtered(): boolean {
    return Boolean(this.kind || this.symbol.trim() || this.orderId.trim() || this.since || this.range);
  }

  /** Sequence numbers the last check found a problem at, to mark their rows. */
  get flagged(): readonly number[] {
    return (this.check?.problems ?? []).flatMap((p) => (p.seq === null ? [] : [p.seq]));
  }

  query(): AuditQuery {
    return {
      kind: this.kind || null,
      symbol: this.symbol.trim() || null,
      orderId: this.orderId.trim() || null,
      since: localInputToMs(this.since),
      fromSeq: this.range?.from ?? null,
      toSeq: this.range?.to ?? null,
    };
  }

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
    return this.load();
  }

  clear(): Promise<void> {
    this.kind = '';
    this.symbol = '';
    this.orderId = '';
    this.since = '';
    this.range = null;
    return this.load();
  }

  /** Shows the entries around a problem, whatever the filters were. */
  show(range: SeqRange): Promise<void> {
    this.kind = '';
    this.symbol = '';
    this.orderId = '';
    this.since = '';
    this.range = range;
    return this.load();
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

  /** Downloads every entry the filters match (not only the newest shown) as CSV, made on this device. */
  async exportCsv(): Promise<void> {
    const r = await this.actions.run('export', () => engine().audit.exportCsv(this.query()));
    if (r.ok) {
      const stamp = isoTime(Date.now()).slice(0, 19).replace(/[:T]/g, '-');
      downloadText(r.value, `lyra-audit-${stamp}.csv`, 'text/csv');
    }
  }
}
