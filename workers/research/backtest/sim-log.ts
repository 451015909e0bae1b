import type { ExitReason, Signal, SignalAction, SimFill, SimTrade } from './types.js';

/** Codes of the words a log stores as numbers: the index in each list. */
const ACTIONS: readonly SignalAction[] = ['buy', 'sell', 'exit'];
const REASONS: readonly ExitReason[] = ['signal', 'stop-loss', 'take-profit', 'trailing', 'end'];
const SIDES: readonly SimFill['side'][] = ['buy', 'sell'];

export function actionCode(action: SignalAction): number {
  return action === 'buy' ? 0 : action === 'sell' ? 1 : 2;
}

export function reasonCode(reason: ExitReason): number {
  const code = REASONS.indexOf(reason);
  if (code < 0) throw new Error(`unknown exit reason ${JSON.stringify(reason)}`);
  return code;
}

/*
 * Bars, codes and counts are whole numbers stored as doubles: they are read back with `| 0`, so an index
 * into a list or a column is an integer (a double key takes a slow generic path) and a field holding one
 * is a small integer rather than a boxed number.
 */

/**
 * Records of `width` numbers each, one after the other in a Float64Array that doubles when full: what a
 * run logs (signals, fills, round trips) without an object per entry. Writing a record allocates
 * nothing once the array has grown to the run's needs; the objects the result shows are built once, at
 * the end, from the numbers.
 */
export class RecordLog {
  data: Float64Array;
  /** Records written. */
  count = 0;

  constructor(
    readonly width: number,
    capacity = 64,
  ) {
    this.data = new Float64Array(width * capacity);
  }

  /**
   * Makes room for one more record and returns the index of its first number in `data`. The array may
   * be replaced to grow: read `data` after calling this.
   */
  append(): number {
    const at = this.count * this.width;
    if (at + this.width > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    this.count++;
    return at;
  }
}

/** Slots of a signal record. */
const SIGNAL_WIDTH = 4;

/** The signals of a run: bar, action, reason, units, and whether `onFill` placed it. */
export class SignalLog {
  private readonly log = new RecordLog(SIGNAL_WIDTH);

  get count(): number {
    return this.log.count;
  }

  add(i: number, action: number, reason: number, units: number, fromFill: boolean): void {
    const at = this.log.append();
    const d = this.log.data;
    d[at] = i;
    d[at + 1] = action;
    d[at + 2] = fromFill ? -1 - reason : reason;
    d[at + 3] = units;
  }

  /** Bar of signal `k`. */
  barOf(k: number): number {
    return this.log.data[k * SIGNAL_WIDTH] as number;
  }

  /** Keeps the first `count` signals. */
  truncate(count: number): void {
    if (count < this.log.count) this.log.count = count;
  }

  /** Signal `k` as the result shows it; `time` is the bars' time column. */
  signal(k: number, time: Float64Array): Signal {
    const d = this.log.data;
    const at = k * SIGNAL_WIDTH;
    const i = (d[at] as number) | 0;
    const code = (d[at + 2] as number) | 0;
    const signal: Signal = {
      i,
      time: time[i] as number,
      action: ACTIONS[(d[at + 1] as number) | 0]!,
      reason: REASONS[code < 0 ? -1 - code : code]!,
      units: d[at + 3] as number,
    };
    if (code < 0) signal.fromFill = true;
    return signal;
  }

  toSignals(time: Float64Array): Signal[] {
    const out: Signal[] = [];
    for (let k = 0; k < this.count; k++) out.push(this.signal(k, time));
    return out;
  }
}

/** `time`, or when it is NaN (not logged) the time of bar `i` from `timeOfBar`. */
export function orBarTime(time: number, i: number, timeOfBar: Float64Array | null): number {
  return time === time || timeOfBar === null ? time : (timeOfBar[i] as number);
}

/** Slots of a fill record. */
const FILL_WIDTH = 8;

/** The fills of an account: bar, time, side, units, price, fee, reason, and the units held after it. */
export class FillLog {
  readonly log = new RecordLog(FILL_WIDTH);

  add(
    i: number,
    time: number,
    sell: boolean,
    units: number,
    price: number,
    fee: number,
    reason: number,
    heldAfter: number,
  ): void {
    const at = this.log.append();
    const d = this.log.data;
    d[at] = i;
    d[at + 1] = time;
    d[at + 2] = sell ? 1 : 0;
    d[at + 3] = units;
    d[at + 4] = price;
    d[at + 5] = fee;
    d[at + 6] = reason;
    d[at + 7] = heldAfter;
  }

  /**
   * Units held after each of bars 0..n-1's fills: the account's own position after the bar's last fill
   * (logged with it, so the series is the account's number, not a re-summed one).
   */
  positionSeries(n: number): Float64Array {
    const d = this.log.data;
    const out = new Float64Array(n);
    let held = 0;
    let from = 0;
    for (let k = 0; k < this.log.count; k++) {
      const bar = (d[k * FILL_WIDTH] as number) | 0;
      if (bar >= n) break;
      out.fill(held, from, bar);
      held = d[k * FILL_WIDTH + 7] as number;
      from = bar;
    }
    out.fill(held, from, n);
    return out;
  }

  /**
   * Fill `k` as the result shows it. A fill logged without its time (NaN: the engine does not read the
   * time column while it runs) takes it from `timeOfBar`, the bars' time column, when given.
   */
  fill(k: number, timeOfBar: Float64Array | null = null): SimFill {
    const d = this.log.data;
    const at = k * FILL_WIDTH;
    const i = (d[at] as number) | 0;
    return {
      i,
      time: orBarTime(d[at + 1] as number, i, timeOfBar),
      side: SIDES[(d[at + 2] as number) | 0]!,
      units: d[at + 3] as number,
      price: d[at + 4] as number,
      fee: d[at + 5] as number,
      reason: REASONS[(d[at + 6] as number) | 0]!,
    };
  }

  toFills(timeOfBar: Float64Array | null = null): SimFill[] {
    const out: SimFill[] = [];
    for (let k = 0; k < this.log.count; k++) out.push(this.fill(k, timeOfBar));
    return out;
  }
}

/** Slots of a round-trip record, in SimTrade's order. */
const TRADE_WIDTH = 12;

/** The round trips of an account, in SimTrade's fields. */
export class TradeLog {
  readonly log = new RecordLog(TRADE_WIDTH, 32);

  add(
    entryIndex: number,
    exitIndex: number,
    entryTime: number,
    exitTime: number,
    entryPrice: number,
    exitPrice: number,
    units: number,
    pnl: number,
    returnPct: number,
    fees: number,
    reason: number,
  ): void {
    const at = this.log.append();
    const d = this.log.data;
    d[at] = entryIndex;
    d[at + 1] = exitIndex;
    d[at + 2] = entryTime;
    d[at + 3] = exitTime;
    d[at + 4] = entryPrice;
    d[at + 5] = exitPrice;
    d[at + 6] = units;
    d[at + 7] = pnl;
    d[at + 8] = returnPct;
    d[at + 9] = fees;
    d[at + 10] = exitIndex - entryIndex;
    d[at + 11] = reason;
  }

  /** Round trip `k`; times logged as NaN come from `timeOfBar`, as for fills. */
  trade(k: number, timeOfBar: Float64Array | null = null): SimTrade {
    const d = this.log.data;
    const at = k * TRADE_WIDTH;
    const entryIndex = (d[at] as number) | 0;
    const exitIndex = (d[at + 1] as number) | 0;
    return {
      entryIndex,
      exitIndex,
      entryTime: orBarTime(d[at + 2] as number, entryIndex, timeOfBar),
      exitTime: orBarTime(d[at + 3] as number, exitIndex, timeOfBar),
      entryPrice: d[at + 4] as number,
      exitPrice: d[at + 5] as number,
      units: d[at + 6] as number,
      pnl: d[at + 7] as number,
      returnPct: d[at + 8] as number,
      fees: d[at + 9] as number,
      bars: (d[at + 10] as number) | 0,
      exitReason: REASONS[(d[at + 11] as number) | 0]!,
    };
  }

  /** The PnL of every round trip, in order, then `more`. */
  pnls(more: readonly number[]): Float64Array {
    const d = this.log.data;
    const count = this.log.count;
    const out = new Float64Array(count + more.length);
    for (let k = 0; k < count; k++) out[k] = d[k * TRADE_WIDTH + 7] as number;
    out.set(more, count);
    return out;
  }

  toTrades(timeOfBar: Float64Array | null = null): SimTrade[] {
    const out: SimTrade[] = [];
    for (let k = 0; k < this.log.count; k++) out.push(this.trade(k, timeOfBar));
    return out;
  }
}
