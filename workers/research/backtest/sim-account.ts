import { buyPriceForBudget, buyPriceForUnits, sellPriceForUnits } from './slippage.js';
import type { ExitReason, SimFill, SimTrade, SizeRule, Slippage } from './types.js';

/**
 * Everything a rollback needs, as numbers in a typed array: writing into it never allocates, where an
 * object's number fields would box each value. Slots in the order `saveTo` writes them.
 */
export type AccountSnapshot = Float64Array;
const SNAPSHOT_SLOTS = 17;

export function emptySnapshot(): AccountSnapshot {
  return new Float64Array(SNAPSHOT_SLOTS);
}

/**
 * The simulated spot account of one run: cash, the long position, fills, and the round trip in progress.
 * Fills are the only place money moves, so the identities the tests check (cash never negative, fees
 * equal to the sum of fill fees, trade PnL equal to the cash the round trip moved) hold by construction.
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
  readonly fills: SimFill[] = [];
  readonly trades: SimTrade[] = [];

  private boughtUnits = 0;
  private boughtNotional = 0;
  private soldUnits = 0;
  private soldNotional = 0;
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
      if (!(spend > 0)) return null;
      fillPrice = buyPriceForBudget(this.slippage, price, spend, this.feeRate, barVolume);
      units = spend / (fillPrice * onePlusFee);
    }
    if (!(units > 0) || !Number.isFinite(units)) return null;

    const fee = this.feeRate * units * fillPrice;
    // cash - spend >= 0 exactly when spend <= cash: rounding cannot make the account negative.
    this.cash -= spend;
    if (this.position === 0) {
      this.entryPrice = fillPrice;
      this.entryIndex = i;
      this.entryTime = time;
      this.highestClose = barClose;
      this.boughtUnits = this.boughtNotional = this.soldUnits = this.soldNotional = 0;
      this.exitPrice = NaN;
      this.cashOut = this.cashIn = this.tradeFees = 0;
    } else {
      this.entryPrice = (this.position * this.entryPrice + units * fillPrice) / (this.position + units);
    }
    this.position += units;
    this.boughtUnits += units;
    this.boughtNotional += units * fillPrice;
    this.cashOut += spend;
    this.tradeFees += fee;
    this.feesPaid += fee;
    const fill: SimFill = { i, time, side: 'buy', units, price: fillPrice, fee, reason: 'signal' };
    this.fills.push(fill);
    return fill;
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
    if (!(this.position > 0)) return null;
    const all = Number.isNaN(units) || units >= this.position;
    const sold = all ? this.position : units;
    if (!(sold > 0)) return null;
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
    this.soldNotional += notional;
    this.cashIn += proceeds;
    this.tradeFees += fee;
    this.feesPaid += fee;
    const fill: SimFill = { i, time, side: 'sell', units: sold, price: fillPrice, fee, reason };
    this.fills.push(fill);
    if (this.position === 0) {
      this.trades.push(this.roundTrip(i, time, this.cashIn, this.exitPrice, reason));
      this.entryPrice = NaN;
      this.entryIndex = -1;
      this.entryTime = NaN;
      this.highestClose = -Infinity;
    }
    return fill;
  }

  /** The open position as a trade marked at `close` (no fee, no fill), or null when flat. */
  markOpenTrade(i: number, time: number, close: number): SimTrade | null {
    if (!(this.position > 0)) return null;
    const mark = this.position * close;
    const exitPrice =
      this.soldUnits === 0
        ? close
        : (this.soldUnits * this.exitPrice + this.position * close) / (this.soldUnits + this.position);
    return this.roundTrip(i, time, this.cashIn + mark, exitPrice, 'end');
  }

  private roundTrip(
    i: number,
    time: number,
    cashIn: number,
    exitPrice: number,
    reason: ExitReason,
  ): SimTrade {
    const pnl = cashIn - this.cashOut;
    return {
      entryIndex: this.entryIndex,
      exitIndex: i,
      entryTime: this.entryTime,
      exitTime: time,
      // Running averages (not notional / units), so a round trip of one buy and one sell shows the fill
      // prices exactly.
      entryPrice: this.entryPrice,
      exitPrice,
      units: this.boughtUnits,
      pnl,
      returnPct: pnl / this.cashOut,
      fees: this.tradeFees,
      bars: i - this.entryIndex,
      exitReason: reason,
    };
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
    s[8] = this.boughtNotional;
    s[9] = this.soldUnits;
    s[10] = this.soldNotional;
    s[11] = this.cashOut;
    s[12] = this.cashIn;
    s[13] = this.tradeFees;
    s[14] = this.fills.length;
    s[15] = this.trades.length;
    s[16] = this.exitPrice;
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
    this.boughtNotional = s[8] as number;
    this.soldUnits = s[9] as number;
    this.soldNotional = s[10] as number;
    this.cashOut = s[11] as number;
    this.cashIn = s[12] as number;
    this.tradeFees = s[13] as number;
    this.fills.length = s[14] as number;
    this.trades.length = s[15] as number;
    this.exitPrice = s[16] as number;
  }
}
