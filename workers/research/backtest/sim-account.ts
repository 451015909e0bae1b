import { buyPriceForBudget, buyPriceForUnits, sellPriceForUnits } from './slippage.js';
import { FillLog, reasonCode, TradeLog } from './sim-log.js';
import type { ExitReason, SimFill, SimTrade, SizeRule, Slippage } from './types.js';

/**
 * Everything a rollback needs, as numbers in a typed array: writing into it never allocates, where an
 * object's number fields would box each value. Slots in the order `saveTo` writes them.
 */
export type AccountSnapshot = Float64Array;
const SNAPSHOT_SLOTS = 15;

export function emptySnapshot(): AccountSnapshot {
  return new Float64Array(SNAPSHOT_SLOTS);
}

const SIGNAL = reasonCode('signal');

/**
 * The simulated spot account of one run: cash, the long position, fills, and the round trip in progress.
 * Fills are the only place money moves, so the identities the tests check (cash never negative, fees
 * equal to the sum of fill fees, trade PnL equal to the cash the round trip moved) hold by construction.
 *
 * Fills and round trips are logged as numbers (`fillLog`, `tradeLog`); `fills` and `trades` build their
 * objects when asked. The engine fills with `buyOrder` and `sellOrder`, which allocate nothing; `buy`
 * and `sell` do the same and return the fill as an object, for callers that size one order (live).
 */
export class SimAccount {
  // Initialised with a number, not left undefined until the constructor: a field that starts undefined
  // can only ever hold boxed numbers, and this one changes on every fill.
  cash = 0;
  position = 0;
  /** Average fill price of the open position (adds average in); NaN when flat. */
  entryPrice = NaN;
  /** Bar of the fill that opened the position; -1 when flat. */
  entryIndex = -1;
  entryTime = NaN;
  /** Highest close since entry, for the trailing exit. */
  highestClose = -Infinity;
  feesPaid = 0;
  readonly fillLog = new FillLog();
  readonly tradeLog = new TradeLog();

  private boughtUnits = 0;
  private soldUnits = 0;
  /** Average price of this round trip's sells so far, kept like entryPrice so one fill's price stays exact. */
  private exitPrice = NaN;
  /** Cash the round trip spent (notional + fees) and got back (net of fees): PnL is their difference. */
  private cashOut = 0;
  private cashIn = 0;
  private tradeFees = 0;

  constructor(
    capital: number,
    private readonly feeRate: number,
    private readonly slippage: Slippage,
  ) {
    this.cash = capital;
  }

  /**
   * Every fill so far, oldest first (built from the log on each call). The backtest engine logs its
   * fills without times (NaN) and builds them with `fillLog.toFills(bars.time)` instead; accounts driven
   * through `buy` and `sell` with real times (live runs) read them here.
   */
  get fills(): SimFill[] {
    return this.fillLog.toFills();
  }

  /** Every completed round trip so far (built from the log on each call; times as for `fills`). */
  get trades(): SimTrade[] {
    return this.tradeLog.toTrades();
  }

  /** The most recent fill. */
  lastFill(): SimFill {
    return this.fillLog.fill(this.fillLog.log.count - 1);
  }

  /**
   * A market buy at `price` (before slippage) on bar `i`. `equity` is the equity the size rule is a share
   * of; `barClose` starts the trailing exit's highest close when this opens a position. Null when there
   * is no cash to spend.
   */
  buy(
    i: number,
    time: number,
    price: number,
    barVolume: number,
    barClose: number,
    size: SizeRule,
    equity: number,
  ): SimFill | null {
    return this.buyOrder(i, time, price, barVolume, barClose, size, equity) ? this.lastFill() : null;
  }

  /** `buy` without the fill object: true when it filled (the fill is the log's last). */
  buyOrder(
    i: number,
    time: number,
    price: number,
    barVolume: number,
    barClose: number,
    size: SizeRule,
    equity: number,
  ): boolean {
    const onePlusFee = 1 + this.feeRate;
    let fillPrice: number;
    let units: number;
    let spend: number;
    if (size.kind === 'units') {
      fillPrice = buyPriceForUnits(this.slippage, price, size.amount, barVolume);
      const cost = size.amount * fillPrice * onePlusFee;
      if (cost < this.cash) {
        units = size.amount;
        spend = cost;
      } else {
        spend = this.cash;
        units = spend / (fillPrice * onePlusFee);
      }
    } else {
      const wanted = size.kind === 'equity-fraction' ? size.fraction * equity : size.amount;
      spend = Math.min(wanted, this.cash);
      if (!(spend > 0)) return false;
      fillPrice = buyPriceForBudget(this.slippage, price, spend, this.feeRate, barVolume);
      units = spend / (fillPrice * onePlusFee);
    }
    if (!(units > 0) || !Number.isFinite(units)) return false;

    const fee = this.feeRate * units * fillPrice;
    // cash - spend >= 0 exactly when spend <= cash: rounding cannot make the account negative.
    this.cash -= spend;
    if (this.position === 0) {
      this.entryPrice = fillPrice;
      this.entryIndex = i;
      this.entryTime = time;
      this.highestClose = barClose;
      this.boughtUnits = this.soldUnits = 0;
      this.exitPrice = NaN;
      this.cashOut = this.cashIn = this.tradeFees = 0;
    } else {
      this.entryPrice = (this.position * this.entryPrice + units * fillPrice) / (this.position + units);
    }
    this.position += units;
    this.boughtUnits += units;
    this.cashOut += spend;
    this.tradeFees += fee;
    this.feesPaid += fee;
    this.fillLog.add(i, time, false, units, fillPrice, fee, SIGNAL, this.position);
    return true;
  }

  /** A market sell of `units` (NaN: everything), capped to the position. Null when nothing is held. */
  sell(
    i: number,
    time: number,
    price: number,
    barVolume: number,
    units: number,
    reason: ExitReason,
  ): SimFill | null {
    return this.sellOrder(i, time, price, barVolume, units, reasonCode(reason)) ? this.lastFill() : null;
  }

  /** `sell` without the fill object, the reason as its code: true when it filled (the fill is the log's last). */
  sellOrder(
    i: number,
    time: number,
    price: number,
    barVolume: number,
    units: number,
    reason: number,
  ): boolean {
    if (!(this.position > 0)) return false;
    const all = Number.isNaN(units) || units >= this.position;
    const sold = all ? this.position : units;
    if (!(sold > 0)) return false;
    const fillPrice = sellPriceForUnits(this.slippage, price, sold, barVolume);
    const notional = sold * fillPrice;
    const fee = notional * this.feeRate;
    const proceeds = notional * (1 - this.feeRate);
    this.cash += proceeds;
    this.position = all ? 0 : this.position - sold;
    this.exitPrice =
      this.soldUnits === 0
        ? fillPrice
        : (this.soldUnits * this.exitPrice + sold * fillPrice) / (this.soldUnits + sold);
    this.soldUnits += sold;
    this.cashIn += proceeds;
    this.tradeFees += fee;
    this.feesPaid += fee;
    this.fillLog.add(i, time, true, sold, fillPrice, fee, reason, this.position);
    if (this.position === 0) {
      this.logRoundTrip(i, time, this.cashIn, this.exitPrice, reason);
      this.entryPrice = NaN;
      this.entryIndex = -1;
      this.entryTime = NaN;
      this.highestClose = -Infinity;
    }
    return true;
  }

  /** The open position as a trade marked at `close` (no fee, no fill), or null when flat. */
  markOpenTrade(i: number, time: number, close: number): SimTrade | null {
    if (!(this.position > 0)) return null;
    const mark = this.position * close;
    const exitPrice =
      this.soldUnits === 0
        ? close
        : (this.soldUnits * this.exitPrice + this.position * close) / (this.soldUnits + this.position);
    const pnl = this.cashIn + mark - this.cashOut;
    return {
      entryIndex: this.entryIndex,
      exitIndex: i,
      entryTime: this.entryTime,
      exitTime: time,
      entryPrice: this.entryPrice,
      exitPrice,
      units: this.boughtUnits,
      pnl,
      returnPct: pnl / this.cashOut,
      fees: this.tradeFees,
      bars: i - this.entryIndex,
      exitReason: 'end',
    };
  }

  private logRoundTrip(i: number, time: number, cashIn: number, exitPrice: number, reason: number): void {
    const pnl = cashIn - this.cashOut;
    // Running averages (not notional / units), so a round trip of one buy and one sell shows the fill
    // prices exactly.
    this.tradeLog.add(
      this.entryIndex,
      i,
      this.entryTime,
      time,
      this.entryPrice,
      exitPrice,
      this.boughtUnits,
      pnl,
      pnl / this.cashOut,
      this.tradeFees,
      reason,
    );
  }

  /** Saves the state into `s` (reused between bars, so a snapshot allocates nothing). */
  saveTo(s: AccountSnapshot): void {
    s[0] = this.cash;
    s[1] = this.position;
    s[2] = this.entryPrice;
    s[3] = this.entryIndex;
    s[4] = this.entryTime;
    s[5] = this.highestClose;
    s[6] = this.feesPaid;
    s[7] = this.boughtUnits;
    s[8] = this.soldUnits;
    s[9] = this.cashOut;
    s[10] = this.cashIn;
    s[11] = this.tradeFees;
    s[12] = this.fillLog.log.count;
    s[13] = this.tradeLog.log.count;
    s[14] = this.exitPrice;
  }

  /** Undo everything since `saveTo(s)`: a bar whose strategy call threw leaves no trace. */
  restore(s: AccountSnapshot): void {
    this.cash = s[0] as number;
    this.position = s[1] as number;
    this.entryPrice = s[2] as number;
    this.entryIndex = s[3] as number;
    this.entryTime = s[4] as number;
    this.highestClose = s[5] as number;
    this.feesPaid = s[6] as number;
    this.boughtUnits = s[7] as number;
    this.soldUnits = s[8] as number;
    this.cashOut = s[9] as number;
    this.cashIn = s[10] as number;
    this.tradeFees = s[11] as number;
    this.fillLog.log.count = s[12] as number;
    this.tradeLog.log.count = s[13] as number;
    this.exitPrice = s[14] as number;
  }
}
