import type { CandleColumns } from '../../market/candle-series.js';
import type { Bars } from '../../research/backtest/types.js';

/** The bars a run keeps at most; older ones are dropped (about two weeks of 1-minute bars). */
export const maxRunBars = 20_000;

const columns = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * The closed bars a live run has seen, oldest first, as float64 columns that grow by doubling so that
 * appending one bar a minute does not copy every column each time. Only bars newer than the last one
 * are taken: a page that repeats a bar cannot add it twice or reorder the series.
 */
export class BarWindow {
  private cols: Record<(typeof columns)[number], Float64Array>;
  private n = 0;

  constructor(
    initial?: Partial<CandleColumns> | null,
    private readonly capacity = maxRunBars,
  ) {
    this.cols = allocate(64);
    if (initial?.time) this.append(initial as CandleColumns);
  }

  get length(): number {
    return this.n;
  }

  /** Open time of the newest bar, or null when empty. */
  get lastTime(): number | null {
    return this.n === 0 ? null : (this.cols.time[this.n - 1] as number);
  }

  /** Appends the bars newer than the last one; returns how many were added. */
  append(c: CandleColumns): number {
    let added = 0;
    for (let i = 0; i < c.time.length; i++) {
      const t = c.time[i] as number;
      const last = this.lastTime;
      if (last !== null && !(t > last)) continue;
      if (this.n === this.cols.time.length) this.grow();
      for (const k of columns) this.cols[k][this.n] = c[k][i] as number;
      this.n++;
      added++;
    }
    if (this.n > this.capacity) this.dropOldest(this.n - this.capacity);
    return added;
  }

  /** A copy of the bars as the research code reads them (spot candles: never close-only). */
  bars(): Bars {
    const out = { closeOnly: false } as Bars;
    for (const k of columns) out[k] = this.cols[k].slice(0, this.n);
    return out;
  }

  private grow(): void {
    const next = allocate(Math.max(64, this.cols.time.length * 2));
    for (const k of columns) next[k].set(this.cols[k].subarray(0, this.n));
    this.cols = next;
  }

  private dropOldest(count: number): void {
    for (const k of columns) this.cols[k].copyWithin(0, count, this.n);
    this.n -= count;
  }
}

function allocate(size: number): Record<(typeof columns)[number], Float64Array> {
  return {
    time: new Float64Array(size),
    open: new Float64Array(size),
    high: new Float64Array(size),
    low: new Float64Array(size),
    close: new Float64Array(size),
    volume: new Float64Array(size),
  };
}
