import type { WorkerPool } from '../pool/pool.js';

export interface PoolLease {
  pool: WorkerPool;
  release(): void;
}

export interface PoolKeeperOptions {
  /** Makes a pool of `size` workers; null: this environment has none (unit tests run in-process). */
  create(size: number): WorkerPool | null;
  /** Workers for a job that does not say. */
  defaultSize: number;
  /** An idle pool is closed after this long: each of its workers holds a copy of a dataset's bars. */
  idleMs: number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

interface Shared {
  pool: WorkerPool;
  size: number;
  users: number;
}

/**
 * Lends worker pools to jobs. One pool is kept between jobs (its workers keep the last dataset, so the
 * next sweep on it sends no bars); a job that needs another size while it is busy gets a pool of its
 * own, closed when the job ends, rather than waiting behind the running one.
 */
export class PoolKeeper {
  private shared: Shared | null = null;
  private idleTimer: unknown = null;

  constructor(private readonly options: PoolKeeperOptions) {}

  /** A pool of exactly `size` workers, or of any size when null; null when there are no pools. */
  acquire(size: number | null): PoolLease | null {
    this.stopIdleTimer();
    const shared = this.shared;
    if (shared && (size === null || shared.size === size)) {
      if (shared.users === 0 || size !== null) return this.lend(shared);
    }
    if (shared && shared.users === 0) {
      shared.pool.close();
      this.shared = null;
    }
    if (!this.shared) {
      const wanted = size ?? this.options.defaultSize;
      const pool = this.options.create(wanted);
      if (!pool) return null;
      this.shared = { pool, size: wanted, users: 0 };
      return this.lend(this.shared);
    }
    // The kept pool is busy: a single task gets one worker of its own rather than queueing.
    const pool = this.options.create(size ?? 1);
    if (!pool) return null;
    let released = false;
    return {
      pool,
      release: () => {
        if (released) return;
        released = true;
        pool.close();
      },
    };
  }

  /** Closes every pool now (the worker is shutting down). */
  close(): void {
    this.stopIdleTimer();
    this.shared?.pool.close();
    this.shared = null;
  }

  private lend(shared: Shared): PoolLease {
    shared.users++;
    let released = false;
    return {
      pool: shared.pool,
      release: () => {
        if (released) return;
        released = true;
        shared.users--;
        if (shared.users === 0 && this.shared === shared) this.startIdleTimer();
      },
    };
  }

  private startIdleTimer(): void {
    this.stopIdleTimer();
    this.idleTimer = this.options.setTimer(() => {
      this.idleTimer = null;
      if (this.shared && this.shared.users === 0) {
        this.shared.pool.close();
        this.shared = null;
      }
    }, this.options.idleMs);
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== null) this.options.clearTimer(this.idleTimer);
    this.idleTimer = null;
  }
}
