import { backtestConventions } from './conventions.js';
import { drawdownOf, EquityStats } from './equity-stats.js';
import { CancelledError, ResearchInputError } from './errors.js';
import { hasExitRules, triggeredExit } from './exits.js';
import { lazyProperty } from './lazy.js';
import { metricsFromStats } from './metrics.js';
import { inferPeriodsPerYear } from './periods-per-year.js';
import { emptySnapshot, SimAccount } from './sim-account.js';
import { SimContext } from './sim-context.js';
import { orBarTime, reasonCode } from './sim-log.js';
import type {
  BacktestConfig,
  BacktestResult,
  Bars,
  ExitRules,
  Params,
  PreparedStrategy,
  Strategy,
} from './types.js';
import { validateBacktestConfig } from './validate-config.js';
import { validateBars } from './validate-bars.js';

/** Bars between progress reports and cancellation checks: about a millisecond of work. */
export const PROGRESS_EVERY = 65_536;

const NO_SERIES = new Float64Array(0);

/** A strategy buying or selling in a loop from onFill would otherwise never finish its bar. */
const MAX_ORDERS_PER_BAR = 1000;

export interface BacktestOptions {
  /** Called every PROGRESS_EVERY bars and once at the end with (bars done, bars in total). */
  onProgress?(done: number, total: number): void;
  /** Checked with each progress report: true stops the run with a CancelledError. */
  shouldStop?(): boolean;
  /** Also return the prepared strategy's overlays (for the price chart) in `result.overlays`. */
  overlays?: boolean;
  /**
   * Where to write the equity curve (at least one number per bar), for a caller that runs many
   * backtests and reads each result before the next (a sweep): `result.equity` is then a view of it,
   * and so is what `result.drawdown` is computed from, so read it before reusing the array. Without
   * it, the curve is a new array.
   */
  equityInto?: Float64Array;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The error for a bar with too many orders; `from` says whose orders kept coming. */
function tooManyOrders(bar: number, from: 'onBar' | 'onFill'): Error {
  return new Error(
    from === 'onBar'
      ? `more than ${MAX_ORDERS_PER_BAR} orders on bar ${bar}: does onBar place an order in a loop? A bar takes at most ${MAX_ORDERS_PER_BAR}`
      : `more than ${MAX_ORDERS_PER_BAR} orders on bar ${bar}: does onFill place an order on every fill?`,
  );
}

/** Everything one run works on, so the bar loop is a plain function of it (optimised once, reused by every run). */
class Run {
  readonly account: SimAccount;
  readonly ctx: SimContext;
  readonly stats = new EquityStats();
  readonly equity: Float64Array;
  /** Bars run so far with a position held at the close (exposure). */
  heldBars = 0;
  readonly exits: ExitRules;
  readonly checkExits: boolean;
  readonly closeExecution: boolean;
  readonly volumeSlippage: boolean;
  /** The account before the fills of `snapshotBar`, to undo them if the strategy throws on that bar. */
  readonly snapshot = emptySnapshot();
  snapshotSignals = 0;
  snapshotBar = -1;
  /**
   * Whether strategy code can run after a bar's fills (onFill, or onBar after fills at the open): only
   * then can a throw leave fills to undo, so only then is the account saved before filling.
   */
  canThrowAfterFills = true;
  /** Where the strategy threw: the bar (-1: it did not) and the message. */
  failedAt = -1;
  failure = '';

  constructor(
    readonly bars: Bars,
    strategy: Strategy,
    params: Params,
    config: BacktestConfig,
    equityInto: Float64Array | undefined,
  ) {
    const n = bars.time.length;
    this.account = new SimAccount(config.capital, config.fee, config.slippage);
    this.ctx = new SimContext(bars, params, strategy.defaultSize);
    if (equityInto !== undefined && !(equityInto instanceof Float64Array && equityInto.length >= n))
      throw new RangeError(`equityInto needs room for ${n} bars`);
    this.equity = equityInto === undefined ? new Float64Array(n) : equityInto.subarray(0, n);
    this.exits = strategy.exits;
    this.checkExits = hasExitRules(strategy.exits);
    this.closeExecution = config.execution === 'close';
    this.volumeSlippage = config.slippage.model === 'volume';
    this.showHoldings();
  }

  /** Shows the strategy what the account holds now; the engine calls it after every change (fills). */
  showHoldings(): void {
    const { account, ctx } = this;
    ctx.position = account.position;
    ctx.cash = account.cash;
    ctx.entryPrice = account.entryPrice;
    ctx.entryIndex = account.entryIndex;
  }

  /** Shows the strategy the account as it is now, at the close of `bar`, the last bar it has seen. */
  showAccount(bar: number): void {
    this.showHoldings();
    this.ctx.i = bar;
  }

  /** Fills every waiting order on `bar` at `price`; `decisionBar` is the bar the strategy last saw. */
  fillOrders(p: PreparedStrategy, bar: number, price: number, decisionBar: number): void {
    const { account, ctx, bars } = this;
    const orders = ctx.orders;
    // Checked before the first fill: with nothing filled there is nothing to undo.
    if (orders.length > MAX_ORDERS_PER_BAR) throw tooManyOrders(decisionBar, 'onBar');
    if (this.canThrowAfterFills) {
      account.saveTo(this.snapshot);
      this.snapshotSignals = ctx.log.count;
      this.snapshotBar = bar;
    }
    // Fills are logged without their time, which the result's fills and trades take from the bars when
    // built: the loop never reads the time column, so reading it here was a cache miss per fill.
    const t = NaN;
    // Only the volume model reads it: a fill's bar is far from the loop's, so its volume is a cache miss.
    const v = this.volumeSlippage ? (bars.volume[bar] as number) : 0;
    const c = bars.close[bar] as number;
    const onFill = p.onFill;
    // onFill may add orders while they fill: they join this loop (and only it can take it past the cap).
    for (let k = 0; k < orders.length; k++) {
      if (k >= MAX_ORDERS_PER_BAR) throw tooManyOrders(decisionBar, 'onFill');
      const o = orders[k]!;
      const filled =
        o.action === 'buy'
          ? account.buyOrder(bar, t, price, v, c, o.size!, o.equity)
          : account.sellOrder(bar, t, price, v, o.units, reasonCode(o.reason));
      if (filled && onFill !== undefined) {
        this.showAccount(decisionBar);
        ctx.inFill = true;
        const fill = account.lastFill();
        fill.time = bars.time[bar] as number;
        onFill.call(p, fill, ctx);
        ctx.inFill = false;
      }
    }
    // Popping one or two orders is inlined; assigning length goes through a slower builtin.
    while (orders.length > 0) orders.pop();
    this.showHoldings();
  }

  /** Stops the run at `bar`, where the strategy threw `e`, undoing what that bar did. */
  fail(bar: number, e: unknown): void {
    this.failedAt = bar;
    this.failure = messageOf(e);
    const { ctx } = this;
    if (this.snapshotBar === bar) {
      this.account.restore(this.snapshot);
      ctx.log.truncate(this.snapshotSignals);
    }
    const log = ctx.log;
    let kept = log.count;
    while (kept > 0 && log.barOf(kept - 1) >= bar) kept--;
    log.truncate(kept);
    ctx.orders.length = 0;
    ctx.inFill = false;
  }
}

/**
 * Bars from..to-1: the strategy decides, exit rules, fills, then the bar's equity. Returns the bar it
 * stopped before: `to`, or the bar where the strategy threw (see `run.failedAt`). The loop keeps cash and
 * position in locals, read again from the account only after fills; the context's holdings change only
 * then too (`showHoldings`).
 */
function simulateBars(run: Run, p: PreparedStrategy, from: number, to: number): number {
  const { account, ctx, equity, exits, checkExits, closeExecution } = run;
  const { open, close } = run.bars;
  const orders = ctx.orders;
  let cash = account.cash;
  let units = account.position;
  let held = 0;
  let i = from;
  try {
    for (; i < to; i++) {
      const c = close[i] as number;
      if (orders.length > 0) {
        run.fillOrders(p, i, open[i] as number, i - 1);
        cash = account.cash;
        units = account.position;
      }
      ctx.i = i;
      ctx.soldThisBar = false;
      p.onBar(ctx);
      if (checkExits && units > 0) {
        if (c > account.highestClose) account.highestClose = c;
        if (!ctx.soldThisBar) {
          const reason = triggeredExit(exits, c, account.entryPrice, account.highestClose);
          if (reason !== null) ctx.exitByRule(reason);
        }
      }
      if (closeExecution && orders.length > 0) {
        run.fillOrders(p, i, c, i);
        cash = account.cash;
        units = account.position;
      }
      equity[i] = cash + units * c;
      if (units > 0) held++;
    }
  } catch (e) {
    run.fail(i, e);
  }
  run.heldBars += held;
  return i;
}

/** Every bar in blocks, with progress and cancel between them; the failure that stopped it, if any. */
function simulate(
  run: Run,
  prepared: PreparedStrategy,
  options: BacktestOptions,
): { i: number; message: string } | null {
  const n = run.equity.length;
  run.canThrowAfterFills = !run.closeExecution || prepared.onFill !== undefined;
  for (let start = 0; start < n; start += PROGRESS_EVERY) {
    const end = Math.min(n, start + PROGRESS_EVERY);
    const reached = simulateBars(run, prepared, start, end);
    // The block's statistics while its bars are still in cache.
    run.stats.addRange(run.equity, null, start, reached);
    if (reached < end) return { i: run.failedAt, message: run.failure };
    options.onProgress?.(end, n);
    if (options.shouldStop?.() === true) throw new CancelledError();
  }
  return null;
}

/**
 * Runs `strategy` over `bars` on a simulated spot account, long only. Throws a ResearchInputError for a
 * config or bars it cannot honour and a CancelledError when `shouldStop` says so; a strategy that throws
 * does not throw here: the run stops at that bar and `result.error` says where and why (a
 * ResearchInputError thrown by `prepare` is bad input, and is thrown on).
 *
 * Conventions (also returned as sentences in `result.conventions`):
 * - The strategy's `onBar` runs at the close of bar i and may read bars 0..i only. Execution 'close' fills
 *   its orders at close[i]; 'next-open' at open[i + 1], and an order on the last bar stays a signal.
 * - Within a bar: onBar; then, if a position is still held and the strategy did not sell on that bar, the
 *   exit rules (stop-loss and take-profit against the average entry price, trailing against the highest
 *   close since entry) are checked at close[i] in that order and may add an exit; then the fills.
 * - A buy for a share f of equity spends S = min(f x equity_i, cash), equity_i = cash + position x close[i]
 *   before the bar's orders; units = S / (fill price x (1 + fee)), so notional + fee = S. A cash amount
 *   spends min(amount, cash); a units buy is capped to what the cash affords. A sell receives
 *   units x price x (1 - fee). Fees are fee x units x fill price, the price after slippage.
 * - equity[i] = cash + position x close[i] after bar i's fills; drawdown[i] = 1 - equity[i] / max(equity[0..i]).
 * - Orders a strategy places from `onFill` fill like orders of the bar it last saw; their signals carry
 *   `fromFill`. A bar takes at most 1000 orders: more stop the run at that bar, with nothing of it kept.
 *
 * The loop allocates nothing per bar: one BarContext updated in place, typed arrays preallocated,
 * signals, fills and round trips logged as numbers (their objects, like the drawdown and position
 * series, are built when the result's field is first read), the metrics' statistics gathered a block of
 * bars behind the loop; a strategy's indicators are computed once, vectorised, in `prepare`.
 */
export function runBacktest(
  bars: Bars,
  strategy: Strategy,
  params: Params,
  config: BacktestConfig,
  options: BacktestOptions = {},
): BacktestResult {
  validateBacktestConfig(config, bars);
  validateBars(bars, config.execution === 'next-open');
  const n = bars.time.length;
  const periodsPerYear = config.periodsPerYear ?? inferPeriodsPerYear(bars.time);
  const run = new Run(bars, strategy, params, config, options.equityInto);

  let failure: { i: number; message: string } | null = null;
  let prepared: PreparedStrategy | null = null;
  try {
    prepared = strategy.prepare(bars, params);
  } catch (e) {
    // Bad input found while preparing (a rule's indicator on close-only data) is the caller's to fix.
    if (e instanceof ResearchInputError) throw e;
    failure = { i: 0, message: messageOf(e) };
  }

  let overlays: Record<string, Float64Array> | undefined;
  if (prepared !== null) {
    try {
      failure = simulate(run, prepared, options);
      if (options.overlays === true && prepared.overlays !== undefined) overlays = { ...prepared.overlays };
    } finally {
      prepared.dispose?.();
    }
  }
  // Orders still waiting after the last bar were signals that never filled.
  run.ctx.orders.length = 0;

  const covered = failure === null ? n : failure.i;
  run.stats.held = run.heldBars;
  const { account, ctx } = run;
  // A run that stopped early copies the bars it covered: a view would carry the whole column's buffer
  // into a transfer.
  const time = covered === n ? bars.time : bars.time.slice(0, covered);
  const equity = covered === n ? run.equity : run.equity.slice(0, covered);
  const openTrade =
    covered > 0
      ? account.markOpenTrade(covered - 1, time[covered - 1] as number, bars.close[covered - 1] as number)
      : null;
  const pnls = account.tradeLog.pnls(openTrade === null ? [] : [openTrade.pnl]);
  const result: BacktestResult = {
    time,
    equity,
    // Placeholders keep the fields in their documented order; each is defined lazily below.
    drawdown: NO_SERIES,
    position: NO_SERIES,
    signals: [],
    fills: [],
    trades: [],
    // The statistics stop at the last bar run: a failed bar never reached them.
    metrics: metricsFromStats(run.stats, config.capital, pnls, account.feesPaid, periodsPerYear),
    error:
      failure === null
        ? null
        : {
            i: failure.i,
            time: failure.i < n ? (bars.time[failure.i] as number) : NaN,
            message: failure.message,
          },
    conventions: backtestConventions(config, periodsPerYear),
  };
  // Built when read: a sweep or a walk-forward window reads the metrics and leaves these, and with tens
  // of thousands of round trips their objects cost more than the whole bar loop.
  lazyProperty(result, 'drawdown', () => drawdownOf(equity));
  lazyProperty(result, 'position', () => account.fillLog.positionSeries(covered));
  lazyProperty(result, 'signals', () => ctx.log.toSignals(bars.time));
  lazyProperty(result, 'fills', () => account.fillLog.toFills(bars.time));
  lazyProperty(result, 'trades', () => {
    const trades = account.tradeLog.toTrades(bars.time);
    if (openTrade !== null) {
      openTrade.entryTime = orBarTime(openTrade.entryTime, openTrade.entryIndex, bars.time);
      trades.push(openTrade);
    }
    return trades;
  });
  if (overlays !== undefined) result.overlays = overlays;
  return result;
}
