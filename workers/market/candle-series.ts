import { bucketStart, type Timeframe } from './timeframes.js';

/** Candles as columns: what uPlot draws and IndexedDB stores, without an object per candle. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export type OhlcvRow = readonly [number, number, number, number, number, number];

export function emptyColumns(n = 0): CandleColumns {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

export function columnsFromRows(rows: readonly OhlcvRow[]): CandleColumns {
  const c = emptyColumns(rows.length);
  rows.forEach((r, i) => {
    c.time[i] = r[0];
    c.open[i] = r[1];
    c.high[i] = r[2];
    c.low[i] = r[3];
    c.close[i] = r[4];
    c.volume[i] = r[5];
  });
  return c;
}

export function sliceColumns(c: CandleColumns, from: number, to = c.time.length): CandleColumns {
  return {
    time: c.time.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
  };
}

/**
 * The candle history of one symbol and timeframe: exchange klines for the past, trades for the candle
 * being formed. Later data for the same open time replaces earlier data; the series stays sorted and
 * keeps at most `capacity` candles (the newest).
 */
export class CandleSeries {
  private cols: CandleColumns;
  private n = 0;

  constructor(
    readonly timeframe: Timeframe,
    readonly capacity = 5000,
  ) {
    this.cols = emptyColumns(capacity);
  }

  get length(): number {
    return this.n;
  }

  get lastTime(): number {
    return this.n === 0 ? NaN : (this.cols.time[this.n - 1] as number);
  }

  /** Merges candles (any order, may overlap what is held). */
  merge(incoming: CandleColumns): void {
    const m = incoming.time.length;
    if (m === 0) return;
    // Fast path: strictly newer candles (or a refresh of the last one) append in place.
    const firstIncoming = incoming.time[0] as number;
    const sortedIncoming = isStrictlyIncreasing(incoming.time);
    if (sortedIncoming && (this.n === 0 || firstIncoming >= this.lastTime)) {
      let from = 0;
      if (this.n > 0 && firstIncoming === this.lastTime) {
        this.write(this.n - 1, incoming, 0);
        from = 1;
      }
      for (let i = from; i < m; i++) this.push(incoming, i);
      return;
    }
    const byTime = new Map<number, number>();
    const all = [this.columns(), incoming];
    const source: Array<[CandleColumns, number]> = [];
    for (const cols of all) {
      for (let i = 0; i < cols.time.length; i++) {
        const t = cols.time[i] as number;
        const at = byTime.get(t);
        if (at === undefined) {
          byTime.set(t, source.length);
          source.push([cols, i]);
        } else source[at] = [cols, i];
      }
    }
    source.sort((a, b) => (a[0].time[a[1]] as number) - (b[0].time[b[1]] as number));
    const keep = source.slice(Math.max(0, source.length - this.capacity));
    const next = emptyColumns(this.capacity);
    keep.forEach(([cols, i], j) => copyRow(next, j, cols, i));
    this.cols = next;
    this.n = keep.length;
  }

  /**
   * Folds a trade into the candle it belongs to. Returns the index of the touched candle, or -1 when the
   * trade is older than the series' last candle (history is the exchange's job, not the tape's).
   */
  applyTrade(time: number, price: number, amount: number): number {
    const start = bucketStart(time, this.timeframe);
    if (this.n > 0 && start < this.lastTime) return -1;
    if (this.n > 0 && start === this.lastTime) {
      const i = this.n - 1;
      const c = this.cols;
      if (price > (c.high[i] as number)) c.high[i] = price;
      if (price < (c.low[i] as number)) c.low[i] = price;
      c.close[i] = price;
      c.volume[i] = (c.volume[i] as number) + amount;
      return i;
    }
    if (this.n === this.capacity) this.dropOldest();
    const i = this.n++;
    const c = this.cols;
    c.time[i] = start;
    c.open[i] = price;
    c.high[i] = price;
    c.low[i] = price;
    c.close[i] = price;
    c.volume[i] = amount;
    return i;
  }

  /** A copy of the last `limit` candles. */
  columns(limit = this.n): CandleColumns {
    return sliceColumns(this.cols, Math.max(0, this.n - limit), this.n);
  }

  /** A copy of the candle at index i as a row. */
  row(i: number): OhlcvRow {
    const c = this.cols;
    return [
      c.time[i] as number,
      c.open[i] as number,
      c.high[i] as number,
      c.low[i] as number,
      c.close[i] as number,
      c.volume[i] as number,
    ];
  }

  private push(src: CandleColumns, i: number): void {
    if (this.n === this.capacity) this.dropOldest();
    this.write(this.n++, src, i);
  }

  private write(at: number, src: CandleColumns, i: number): void {
    copyRow(this.cols, at, src, i);
  }

  private dropOldest(): void {
    // Drop a tenth at once so a long session does not memmove on every candle.
    const drop = Math.max(1, Math.floor(this.capacity / 10));
    for (const key of Object.keys(this.cols) as Array<keyof CandleColumns>)
      this.cols[key].copyWithin(0, drop, this.n);
    this.n -= drop;
  }
}

function copyRow(dst: CandleColumns, j: number, src: CandleColumns, i: number): void {
  dst.time[j] = src.time[i] as number;
  dst.open[j] = src.open[i] as number;
  dst.high[j] = src.high[i] as number;
  dst.low[j] = src.low[i] as number;
  dst.close[j] = src.close[i] as number;
  dst.volume[j] = src.volume[i] as number;
}

function isStrictlyIncreasing(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) <= (xs[i - 1] as number)) return false;
  return true;
}
