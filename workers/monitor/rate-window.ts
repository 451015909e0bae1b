/**
 * Counts per whole second over the last `seconds` seconds, in fixed memory: one slot per second in a
 * ring, cleared as time moves past it. Rates read only complete seconds, so a half-filled current
 * second never makes a steady feed look slow.
 */
export class RateWindow {
  private readonly slots: Float64Array;
  /** The second (epoch ms / 1000, floored) that slot `second % length` holds; -1 when none yet. */
  private head = -1;

  constructor(readonly seconds = 60) {
    this.slots = new Float64Array(seconds);
  }

  add(nowMs: number, count = 1): void {
    this.advance(Math.floor(nowMs / 1000));
    this.slots[this.head % this.seconds]! += count;
  }

  /** Messages per second over the `span` complete seconds before now's. */
  rate(nowMs: number, span: number): number {
    const n = Math.min(Math.max(1, Math.floor(span)), this.seconds - 1);
    const series = this.series(nowMs, n + 1);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += series[i]!;
    return sum / n;
  }

  /** The last `count` seconds' counts, oldest first; the current (incomplete) second is last. */
  series(nowMs: number, count = this.seconds): number[] {
    const now = Math.floor(nowMs / 1000);
    this.advance(now);
    const n = Math.min(count, this.seconds);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const second = now - (n - 1 - i);
      out[i] = second < 0 || second <= this.head - this.seconds ? 0 : this.slots[second % this.seconds]!;
    }
    return out;
  }

  private advance(second: number): void {
    if (second <= this.head) return;
    if (this.head < 0 || second - this.head >= this.seconds) this.slots.fill(0);
    else for (let s = this.head + 1; s <= second; s++) this.slots[s % this.seconds] = 0;
    this.head = second;
  }
}
