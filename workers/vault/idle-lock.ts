export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onIdle` once no activity was reported for `idleMs`. Reporting activity only records a time
 * (the UI may report every keystroke); the one timer re-arms itself for the remainder when it fires.
 */
export class IdleLock {
  private handle: unknown = null;
  private lastActivity = 0;
  private idleMs = 0;

  constructor(
    private readonly onIdle: () => void,
    private readonly now: () => number = () => Date.now(),
    private readonly timers: Timers = globalTimers,
  ) {}

  start(idleMs: number): void {
    this.stop();
    this.idleMs = idleMs;
    this.lastActivity = this.now();
    this.arm(idleMs);
  }

  touch(): void {
    this.lastActivity = this.now();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  get running(): boolean {
    return this.handle !== null;
  }

  private arm(ms: number): void {
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      const idle = this.now() - this.lastActivity;
      if (idle >= this.idleMs) this.onIdle();
      else this.arm(this.idleMs - idle);
    }, ms);
  }
}
