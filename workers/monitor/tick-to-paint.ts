import { LogHistogram, type HistogramSnapshot } from './histogram.js';

/** How far back the tick-to-paint histogram looks: long enough for a p99, short enough to recover. */
export const paintWindowMs = 5 * 60_000;
/** The window is kept as this many slices; the oldest is dropped whole as time moves on. */
const slices = 5;
/** Stamps waiting for one frame, at most: a stalled page does not grow a list without end. */
const maxWaiting = 256;

export interface PaintClock {
  /** Epoch ms on the clock the engine stamps batches with. */
  now(): number;
  requestFrame(callback: () => void): void;
  hidden(): boolean;
}

/**
 * Tick-to-paint latency: from the engine stamping a market batch to the next frame the page paints after
 * applying it, over the last five minutes. Only a visible page counts: a hidden tab gets no frames, and a
 * frame asked for while hidden runs when the tab shows again, which would record the hidden time.
 */
export class TickToPaint {
  private readonly window: Array<{ from: number; histogram: LogHistogram }> = [];
  private waiting: number[] = [];
  private frameRequested = false;
  /** Bumped when the page hides: a frame asked for before that records nothing. */
  private epoch = 0;

  constructor(private readonly clock: PaintClock) {}

  batchApplied(sentAt: number | undefined): void {
    if (sentAt === undefined || this.clock.hidden()) return;
    if (this.waiting.length < maxWaiting) this.waiting.push(sentAt);
    if (this.frameRequested) return;
    this.frameRequested = true;
    const epoch = this.epoch;
    this.clock.requestFrame(() => {
      this.frameRequested = false;
      const stamps = this.waiting;
      this.waiting = [];
      if (epoch !== this.epoch || this.clock.hidden()) return;
      const now = this.clock.now();
      for (const s of stamps) {
        const ms = now - s;
        // Negative: the worker's clock and the page's disagree (a sleep, a clock step); no honest sample.
        if (ms >= 0) this.slice(now).record(ms);
      }
    });
  }

  /** The page was hidden or shown again: stamps waiting for a frame would measure the hidden time. */
  visibilityChanged(): void {
    this.epoch++;
    this.waiting = [];
    this.frameRequested = false;
  }

  /** The samples of the last five minutes, merged. */
  snapshot(): HistogramSnapshot {
    const now = this.clock.now();
    this.expire(now);
    const merged = new LogHistogram();
    for (const s of this.window) merged.merge(s.histogram);
    return merged.snapshot();
  }

  private slice(now: number): LogHistogram {
    this.expire(now);
    const span = paintWindowMs / slices;
    const from = Math.floor(now / span) * span;
    const last = this.window.at(-1);
    if (last && last.from === from) return last.histogram;
    const histogram = new LogHistogram();
    this.window.push({ from, histogram });
    return histogram;
  }

  private expire(now: number): void {
    const span = paintWindowMs / slices;
    // A slice is dropped once all of it is older than the window.
    while (this.window.length > 0 && this.window[0]!.from + span <= now - paintWindowMs) this.window.shift();
  }
}
