/**
 * Fakes for the strategy-run tests: an exchange whose candle history is a list the test writes (served
 * page by page, with the candle still forming when the clock says so), and timers the test fires by
 * hand with a clock it moves.
 */
import { emptyColumns, type CandleColumns } from '../../market/candle-series.js';
import { timeframeMs, type Timeframe } from '../../market/timeframes.js';
import { FakeMarket } from '../test-support.js';

export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A trading test market (books, prints) that also serves candles of one symbol and timeframe. */
export class CandleMarket extends FakeMarket {
  candles: Candle[] = [];
  /** Largest page the exchange answers, whatever is asked. */
  pageCap = 1000;
  /** Each answer also repeats the candle before `since`, as some exchanges do. */
  overlap = false;
  requests: Array<{
    symbol: string;
    timeframe: Timeframe;
    since: number | undefined;
    limit: number | undefined;
  }> = [];
  failNext: Error | null = null;
  /** Called before each answer (a test may cancel in the middle of paging). */
  beforeAnswer: (() => void) | null = null;

  constructor(
    readonly now: () => number,
    readonly candleSymbol = 'BTC/USDT',
    readonly candleTimeframe: Timeframe = '1m',
  ) {
    super();
  }

  override async fetchCandles(
    symbol?: string,
    timeframe?: Timeframe,
    since?: number,
    limit?: number,
  ): Promise<never> {
    this.requests.push({ symbol: symbol as string, timeframe: timeframe as Timeframe, since, limit });
    this.beforeAnswer?.();
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    if (symbol !== this.candleSymbol || timeframe !== this.candleTimeframe) return columns([]) as never;
    const n = Math.min(limit ?? 500, this.pageCap);
    // The exchange has candles up to the one forming now, never later ones.
    const known = this.candles.filter((c) => c.time <= this.now());
    let from = since === undefined ? Math.max(0, known.length - n) : known.findIndex((c) => c.time >= since);
    if (from < 0) return columns([]) as never;
    if (this.overlap && from > 0) from -= 1;
    return columns(known.slice(from, from + n)) as never;
  }
}

export function columns(list: readonly Candle[]): CandleColumns {
  const c = emptyColumns(list.length);
  list.forEach((k, i) => {
    c.time[i] = k.time;
    c.open[i] = k.open;
    c.high[i] = k.high;
    c.low[i] = k.low;
    c.close[i] = k.close;
    c.volume[i] = k.volume;
  });
  return c;
}

/** Candles on `tf` boundaries from `start`, with closes on the price tick (two decimals). */
export function candlesFromCloses(start: number, tf: Timeframe, closes: readonly number[]): Candle[] {
  const span = timeframeMs[tf];
  return closes.map((close, i) => {
    const c = Math.round(close * 100) / 100;
    const open = i === 0 ? c : Math.round((closes[i - 1] as number) * 100) / 100;
    return {
      time: start + i * span,
      open,
      high: Math.max(open, c),
      low: Math.min(open, c),
      close: c,
      volume: 10,
    };
  });
}

/** A seeded random walk of closes around `start` (a small LCG: the same seed gives the same walk). */
export function randomWalk(n: number, seed: number, start = 100, stepPct = 0.01): number[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out: number[] = [];
  let p = start;
  for (let i = 0; i < n; i++) {
    p *= 1 + (next() - 0.5) * 2 * stepPct;
    out.push(Math.round(p * 100) / 100);
  }
  return out;
}

interface Pending {
  at: number;
  fn: () => void;
  id: number;
}

/** setTimeout and a clock under the test's control: `advanceTo` fires what is due, in time order. */
export class ManualTimers {
  time: number;
  private pending: Pending[] = [];
  private nextId = 1;

  constructor(start: number) {
    this.time = start;
  }

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.pending.push({ at: this.time + Math.max(0, ms), fn, id });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending = this.pending.filter((p) => p.id !== handle);
  };

  get scheduled(): number[] {
    return this.pending.map((p) => p.at).sort((a, b) => a - b);
  }

  /** Moves the clock to `time`, firing every timer due by then (each at its own time). */
  advanceTo(time: number): void {
    for (;;) {
      const due = this.pending.filter((p) => p.at <= time).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = Math.max(this.time, time);
  }
}
