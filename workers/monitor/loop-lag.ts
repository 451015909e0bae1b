import { LogHistogram, type HistogramSnapshot } from './histogram.js';

export interface LoopLagSnapshot {
  /** Lateness of the most recent timer, ms. */
  lastMs: number | null;
  /** Worst lateness in the last minute, ms. */
  worstMs: number | null;
  histogram: HistogramSnapshot;
}

export interface LagClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: LagClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The worker's event-loop lag: a timer asks to run every `intervalMs`; how late it actually runs is
 * time the loop spent busy with something else. Runs only while started (someone watches).
 */
export class LoopLag {
  private readonly histogram = new LogHistogram();
  private handle: unknown = null;
  private last: number | null = null;
  /** [time, lateness] of the last minute's samples, for the rolling worst. */
  private recent: Array<[number, number]> = [];

  constructor(
    private readonly intervalMs = 250,
    private readonly clock: LagClock = realClock,
  ) {}

  get running(): boolean {
    return this.handle !== null;
  }

  start(): void {
    if (this.handle !== null) return;
    this.schedule();
  }

  stop(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Records one lateness sample (exposed for the timer and for tests). */
  sample(lateMs: number, at = this.clock.now()): void {
    const late = Math.max(0, lateMs);
    this.last = late;
    this.histogram.record(late);
    this.recent.push([at, late]);
    while (this.recent.length > 0 && this.recent[0]![0] < at - 60_000) this.recent.shift();
  }

  snapshot(): LoopLagSnapshot {
    let worst: number | null = null;
    for (const [, late] of this.recent) if (worst === null || late > worst) worst = late;
    return { lastMs: this.last, worstMs: worst, histogram: this.histogram.snapshot() };
  }

  private schedule(): void {
    const due = this.clock.now() + this.intervalMs;
    this.handle = this.clock.setTimeout(() => {
      const at = this.clock.now();
      this.sample(at - due, at);
      if (this.handle !== null) this.schedule();
    }, this.intervalMs);
  }
}
