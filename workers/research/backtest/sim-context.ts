import { actionCode, reasonCode, SignalLog } from './sim-log.js';
import type { BarContext, Bars, ExitReason, Params, Signal, SignalAction, SizeRule } from './types.js';

/** An order a strategy or an exit rule asked for at a bar's close, waiting for its fill. */
export interface PendingOrder {
  action: SignalAction;
  reason: ExitReason;
  /** Buys: the size rule. Sells: null. */
  size: SizeRule | null;
  /** Sells: units asked for, NaN for everything. */
  units: number;
  /** Equity at the close of the signal bar: what an equity-fraction size is a share of. */
  equity: number;
}

function checkSize(size: SizeRule): SizeRule {
  if (size === null || typeof size !== 'object')
    throw new Error(`buy(size): size must be a size rule such as { kind: 'equity-fraction', fraction: 1 }`);
  if (size.kind === 'equity-fraction') {
    if (!(size.fraction > 0 && size.fraction <= 1))
      throw new Error(`buy(size): an equity fraction must be above 0 and at most 1, got ${size.fraction}`);
  } else if (size.kind === 'cash' || size.kind === 'units') {
    if (!(size.amount > 0) || !Number.isFinite(size.amount))
      throw new Error(`buy(size): a ${size.kind} amount must be a positive number, got ${size.amount}`);
  } else throw new Error(`buy(size): unknown size kind ${JSON.stringify((size as { kind: unknown }).kind)}`);
  return size;
}

const BUY = actionCode('buy');
const SIGNAL = reasonCode('signal');

/**
 * The one BarContext of a run, updated in place before each bar (no object per bar). Its methods are
 * made once per context, so a strategy may pass `ctx.buy` around. Orders are recorded as signals at once,
 * whether or not they can fill, because signals are what the lookahead check and the live comparison
 * compare: in `log`, as numbers (the engine builds the result's objects at the end), and, when the
 * context is given a `signals` array (the live runner), as Signal objects there too.
 */
export class SimContext implements BarContext {
  i = 0;
  position = 0;
  cash = 0;
  entryPrice = NaN;
  /** Bar of the fill that opened the position; -1 when flat or unknown. */
  entryIndex = -1;
  /** The strategy sold on this bar: the exit rules stay out of its way. */
  soldThisBar = false;
  /** The engine is calling `onFill`: orders placed now are marked `fromFill`. */
  inFill = false;
  readonly orders: PendingOrder[] = [];
  readonly log = new SignalLog();

  constructor(
    readonly bars: Bars,
    readonly params: Params,
    private readonly defaultSize: SizeRule,
    private readonly signals: Signal[] | null = null,
  ) {}

  /**
   * Cash plus the position at the close of bar i: computed when read, so the engine's loop does not
   * compute it for every bar of a strategy that never asks.
   */
  get equity(): number {
    return this.cash + this.position * (this.bars.close[this.i] as number);
  }

  get barsInPosition(): number {
    return this.position > 0 && this.entryIndex >= 0 ? this.i - this.entryIndex : -1;
  }

  // Arrow functions, so `ctx.buy` can be passed around; plain closures, which the optimiser inlines where
  // bound functions would cost a trampoline on every call.
  readonly buy = (size?: SizeRule): void => {
    const rule = size === undefined ? this.defaultSize : checkSize(size);
    this.record(BUY, SIGNAL, rule.kind === 'units' ? rule.amount : NaN);
    this.orders.push({ action: 'buy', reason: 'signal', size: rule, units: NaN, equity: this.equity });
  };

  readonly sell = (units?: number): void => {
    if (units !== undefined && !(units > 0 && Number.isFinite(units)))
      throw new Error(
        `sell(units): units must be a positive number (omit it to sell everything), got ${units}`,
      );
    this.order('sell', 'signal', units ?? NaN);
    this.soldThisBar = true;
  };

  readonly exit = (): void => {
    this.order('exit', 'signal', NaN);
    this.soldThisBar = true;
  };

  /** A sell from an exit rule rather than the strategy. */
  exitByRule(reason: ExitReason): void {
    this.order('exit', reason, NaN);
  }

  private order(action: SignalAction, reason: ExitReason, units: number): void {
    this.record(actionCode(action), reasonCode(reason), units);
    this.orders.push({ action, reason, size: null, units, equity: this.equity });
  }

  private record(action: number, reason: number, units: number): void {
    const log = this.log;
    log.add(this.i, action, reason, units, this.inFill);
    if (this.signals !== null) this.signals.push(log.signal(log.count - 1, this.bars.time));
  }
}
