import type { AuditEntry } from '../trading/types.js';
import type { AuditChainHead, AuditProblem, AuditProblemKind } from './api.js';
import { entryHash, GENESIS_HASH } from './audit-chain.js';

/** How many problems a check lists; the rest are only counted. */
export const PROBLEM_LIMIT = 50;

/**
 * Checks the log one entry at a time, in sequence order, against the head read before the walk.
 * Links are checked against the previous entry's stored hash, so one altered entry is one problem,
 * not a broken chain from there on.
 */
export class ChainWalk {
  checked = 0;
  problemCount = 0;
  readonly problems: AuditProblem[] = [];
  private expectedPrev = GENESIS_HASH;
  private lastSeq: number | null = null;
  private lastHash: string | null = null;
  private chained = 0;

  constructor(
    private readonly head: AuditChainHead | null,
    private readonly limit = PROBLEM_LIMIT,
  ) {}

  add(entry: AuditEntry): void {
    this.checked++;
    const seq = entry.seq!;
    if (typeof entry.hash !== 'string' || typeof entry.prevHash !== 'string') {
      this.report(
        'unhashed',
        seq,
        null,
        `Entry #${seq} has no hash: it was put into the log outside the chain.`,
      );
      return;
    }
    if (this.head && seq > this.head.seq) {
      this.report(
        'after-head',
        seq,
        this.head.seq,
        `Entry #${seq} comes after the last entry the chain head records (#${this.head.seq}): it was added outside the chain.`,
      );
      return;
    }
    if (entryHash(entry.prevHash, entry) !== entry.hash)
      this.report('altered', seq, null, `Entry #${seq} was altered: its contents no longer match its hash.`);
    if (entry.prevHash !== this.expectedPrev) {
      const after = this.lastSeq;
      this.report(
        'link-broken',
        seq,
        after,
        after === null
          ? `Entries are missing before #${seq}: it does not link to the start of the log.`
          : `Entries were removed or reordered between #${after} and #${seq}: #${seq} does not link to #${after}.`,
      );
    }
    this.expectedPrev = entry.hash;
    this.lastSeq = seq;
    this.lastHash = entry.hash;
    this.chained++;
  }

  /** The checks that need the whole log: its end against the head. */
  finish(): void {
    const head = this.head;
    if (!head) {
      if (this.checked > 0)
        this.report(
          'head-missing',
          null,
          null,
          'The chain head is missing: entries removed from the end of the log could not be detected.',
        );
      return;
    }
    if (this.lastSeq === head.seq) {
      if (this.lastHash !== head.hash)
        this.report(
          'altered',
          head.seq,
          null,
          `Entry #${head.seq} was rewritten: its hash no longer matches the chain head.`,
        );
    } else {
      const found = this.lastSeq === null ? 'none' : `#${this.lastSeq}`;
      this.report(
        'tail-removed',
        head.seq,
        this.lastSeq,
        `Entries were removed from the end: the chain head records ${head.count} entries ending at #${head.seq}, the log has ${this.chained} ending at ${found}.`,
      );
    }
    if (this.problemCount === 0 && this.chained !== head.count)
      this.report(
        'count-mismatch',
        null,
        null,
        `The chain head records ${head.count} entries but the log holds ${this.chained}.`,
      );
  }

  private report(kind: AuditProblemKind, seq: number | null, after: number | null, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.limit) this.problems.push({ kind, seq, after, message });
  }
}
