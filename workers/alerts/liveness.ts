import type { EvaluateOptions } from './rule-context.js';

/**
 * Whether data is live news or arrives late: while the feed is down (offline, reconnecting, a poll
 * that could not reach the exchange), and for data produced before it came back, firings say they
 * were evaluated on data that arrived after being offline.
 */
export class Liveness {
  private down = false;
  private resumedAt: number | null = null;

  setDown(): void {
    this.down = true;
  }

  setUp(now: number): void {
    if (!this.down) return;
    this.down = false;
    this.resumedAt = now;
  }

  get isDown(): boolean {
    return this.down;
  }

  /** How to evaluate data stamped `time` (epoch ms) that arrives at `now`. */
  options(time: number, now: number): EvaluateOptions {
    const late = this.down || (this.resumedAt !== null && time < this.resumedAt);
    return { live: !late, now };
  }
}
