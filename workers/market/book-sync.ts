import type { L2Book, Levels } from './order-book.js';

/** A sequenced book diff: absolute sizes for changed levels, covering update ids first..last. */
export interface BookDiff {
  first: number;
  last: number;
  time: number;
  bids: Levels;
  asks: Levels;
}

export interface BookSnapshot {
  nonce: number;
  time: number;
  bids: Levels;
  asks: Levels;
}

export type SyncOutcome =
  | { kind: 'buffered' }
  | { kind: 'applied' }
  | { kind: 'ignored-stale' }
  /** The local book can no longer be trusted: fetch a new snapshot. */
  | { kind: 'resnapshot'; reason: string };

/**
 * Keeps a local book in step with a snapshot plus a stream of sequenced diffs (the Binance recipe, which
 * most exchanges with update ids follow): buffer diffs until the snapshot arrives, drop those it already
 * contains, require the first applied diff to straddle the snapshot id, then require each diff to start
 * right after the previous one. Any gap or a crossed book means a new snapshot; nothing wrong is applied.
 */
export class BookSync {
  private buffer: BookDiff[] = [];
  private synced = false;
  private needsStraddle = true;

  constructor(
    readonly book: L2Book,
    private readonly maxBuffer = 5000,
  ) {}

  get isSynced(): boolean {
    return this.synced;
  }

  /** Forget the book's continuity (after a reconnect): diffs buffer until the next snapshot. */
  desync(): void {
    this.synced = false;
    this.buffer = [];
  }

  onDiff(diff: BookDiff): SyncOutcome {
    if (!this.synced) {
      this.buffer.push(diff);
      if (this.buffer.length > this.maxBuffer) this.buffer.shift();
      return { kind: 'buffered' };
    }
    return this.applyInOrder(diff);
  }

  onSnapshot(snapshot: BookSnapshot): SyncOutcome {
    this.book.reset(snapshot.bids, snapshot.asks, snapshot.nonce, snapshot.time);
    this.synced = true;
    this.needsStraddle = true;
    const pending = this.buffer;
    this.buffer = [];
    for (const diff of pending) {
      const outcome = this.applyInOrder(diff);
      if (outcome.kind === 'resnapshot') {
        // Keep what came after the failure point: the next snapshot may bridge it.
        this.buffer = pending.slice(pending.indexOf(diff));
        this.synced = false;
        return outcome;
      }
    }
    if (this.book.isCrossed()) return this.fail('the snapshot itself is crossed');
    return { kind: 'applied' };
  }

  private applyInOrder(diff: BookDiff): SyncOutcome {
    const nonce = this.book.nonce;
    if (diff.last <= nonce) return { kind: 'ignored-stale' };
    const expected = nonce + 1;
    const fits = this.needsStraddle ? diff.first <= expected : diff.first === expected;
    if (!fits) {
      return this.fail(
        `update ids jumped: expected ${expected}, the stream sent ${diff.first}..${diff.last}`,
        diff,
      );
    }
    this.book.apply(diff.bids, diff.asks, diff.last, diff.time);
    this.needsStraddle = false;
    if (this.book.isCrossed()) return this.fail(`the book crossed after update ${diff.last}`);
    return { kind: 'applied' };
  }

  private fail(reason: string, keep?: BookDiff): SyncOutcome {
    this.synced = false;
    this.buffer = keep ? [keep] : [];
    return { kind: 'resnapshot', reason };
  }
}
