import { backtestConventions } from './conventions.js';
import { EquityStats } from './equity-stats.js';
import { CancelledError, ResearchInputError } from './errors.js';
import { hasExitRules, triggeredExit } from './exits.js';
import { metricsFromStats } from './metrics.js';
import { inferPeriodsPerYear } from './periods-per-year.js';
import { emptySnapshot, SimAccount } from './sim-account.js';
import { SimContext } from './sim-context.js';
import type {
  BacktestConfig,
  BacktestResult,
  Bars,
  ExitRules,
  Params,
  PreparedStrategy,
  Signal,
  Strategy,
} from './types.js';
import { validateBacktestConfig } from './validate-config.js';
import { validateBars } from './validate-bars.js';

/** Bars between progress reports and cancellation checks: about a millisecond of work. */
export const PROGRESS_EVERY = 65_536;

/** A strategy buying or selling in a loop from onFill would otherwise never finish its bar. */
const MAX_ORDERS_PER_BAR = 1000;

export interface BacktestOptions {
  /** Called every PROGRESS_EVERY bars and once at the end with (bars done, bars in total). */
  onProgress?(done: number, total: number): void;
  /** Checked with each progress report: true stops the run with a CancelledError. */
  shouldStop?(): boolean;
  /** Also return the prepared strategy's overlays (for the price chart) in `result.overlays`. */
  overlays?: boolean;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Everything one run works on, so the bar loop is a plain function of it (optimised once, reused by every run). */
class Run {
  readonly account: SimAccount;
  readonly ctx: SimContext;
  readonly stats = new EquityStats();
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  readonly position: Float64Array;
  readonly signals: Signal[] = [];
  readonly exits: ExitRules;
  readonly checkExits: boolean;
  readonly closeExecution: boolean;
  /** The account before the fills of `snapshotBar`, to undo them if the strategy throws on that bar. */
  readonly snapshot = emptySnapshot();
  snapshotSignals = 0;
  snapshotBar = -1;
  /**
   * Whether strategy code can run after a bar's fills (onFill, or onBar after fills at the open): only
   * then can a throw leave fills to undo, so only then is the account saved before filling.
   */
  canThrowAfterFills = true;
  /** The bar being worked on: where a strategy that throws is reported. */
  bar = 0;

  constructor(
    readonly bars: Bars,
    strategy: Strategy,
    params: Params,
    config: BacktestConfig,
  ) {
    const n = bars.time.length;
    this.account = new SimAccount(config.capital, config.fee, config.slippage);
    this.ctx = new SimContext(bars, params, strategy.defaultSize, this.signals);
    this.equity = new Float64Array(n);
    this.drawdown = new Float64Array(n);
    this.position = new Float64Array(n);
    this.exits = strategy.exits;
    this.checkExits = hasExitRules(strategy.exits);
    this.closeExecution = config.execution === 'close';
  }

  /** Shows the strategy the account as it is now, at the close of `bar`, the last bar it has seen. */
  showAccount(bar: number): void {
    const { account, ctx } = this;
    const held = account.position;
    ctx.i = bar;
    ctx.position = held;
    ctx.cash = account.cash;
    ctx.equity = account.cash + held * (this.bars.close[bar] as number);
    ctx.entryPrice = account.entryPrice;
    ctx.barsInPosition = held > 0 ? bar - account.entryIndex : -1;
  }

  /** Fills every waiting order on `bar` at `price`; `decisionBar` is the bar the strategy last saw. */
  fillOrders(p: PreparedStrategy, bar: number, price: number, decisionBar: number): void {
    const { account, ctx, bars } = this;
    const orders = ctx.orders;
    if (this.canThrowAfterFills) {
      account.saveTo(this.snapshot);
      this.snapshotSignals = this.signals.length;
      this.snapshotBar = bar;
    }
    const t = bars.time[bar] as number;
    const v = bars.volume[bar] as number;
    const c = bars.close[bar] as number;
    for (let k = 0; k < orders.length; k++) {
      if (k >= MAX_ORDERS_PER_BAR)
        throw new Error(
          `more than ${MAX_ORDERS_PER_BAR} orders on bar ${decisionBar}: does onFill place an order on every fill?`,
        );
      const o = orders[k]!;
      const fill =
        o.action === 'buy'
          ? account.buy(bar, t, price, v, c, o.size!, o.equity)
          : account.sell(bar, t, price, v, o.units, o.reason);
      if (fill !== null && p.onFill !== undefined) {
        this.showAccount(decisionBar);
        p.onFill(fill, ctx);
      }
    }
    // Popping one or two orders is inlined; assigning length goes through a slower builtin.
    while (orders.length > 0) orders.pop();
  }

  /** Undoes what bar `bar` did before the strategy threw on it. */
  rollBack(bar: number): void {
    if (this.snapshotBar === bar) {
      this.account.restore(this.snapshot);
      this.signals.length = this.snapshotSignals;
    }
    const signals = this.signals;
    while (signals.length > 0 && signals[signals.length - 1]!.i >= bar) signals.pop();
    this.ctx.orders.length = 0;
  }
}

/** Bars from..to-1: the strategy decides, exit rules, fills, then the bar's equity. */
function simulateBars(run: Run, p: PreparedStrategy, from: number, to: number): void {
  const { account, ctx, stats, equity, drawdown, position, exits, checkExits, closeExecution } = run;
  const { open, close } = run.bars;
  const orders = ctx.orders;
  for (let i = from; i < to; i++) {
    run.bar = i;
    const c = close[i] as number;
    if (orders.length > 0) run.fillOrders(p, i, open[i] as number, i - 1);
    const held = account.position;
    ctx.i = i;
    ctx.position = held;
    ctx.cash = account.cash;
    ctx.equity = account.cash + held * c;
    ctx.entryPrice = account.entryPrice;
    ctx.barsInPosition = held > 0 ? i - account.entryIndex : -1;
    ctx.soldThisBar = false;
    p.onBar(ctx);
    if (checkExits && account.position > 0) {
      if (c > account.highestClose) account.highestClose = c;
      if (!ctx.soldThisBar) {
        const reason = triggeredExit(exits, c, account.entryPrice, account.highestClose);
        if (reason !== null) ctx.exitByRule(reason);
      }
    }
    if (closeExecution && orders.length > 0) run.fillOrders(p, i, c, i);
    const units = account.position;
    const e = account.cash + units * c;
    equity[i] = e;
    position[i] = units;
    drawdown[i] = stats.add(e, units);
  }
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
 * - Orders a strategy places from `onFill` fill like orders of the bar it last saw.
 *
 * The loop allocates nothing per bar except fills and signals: one BarContext updated in place, typed
 * arrays preallocated, the metrics' statistics gathered as it goes; a strategy's indicators are computed
 * once, vectorised, in `prepare`.
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
  const run = new Run(bars, strategy, params, config);

  let failure: { i: number; message: string } | null = null;
  let prepared: PreparedStrategy | null = null;
  try {
    prepared = strategy.prepare(bars, params);
  } catch (e) {
    // Bad input found while preparing (a rule's indicator on close-only data) is the caller's to fix.
    if (e instanceof ResearchInputError) throw e;
    failure = { i: 0, message: messageOf(e) };
  }

  if (prepared !== null) run.canThrowAfterFills = !run.closeExecution || prepared.onFill !== undefined;
  if (prepared !== null)
    for (let start = 0; start < n; start += PROGRESS_EVERY) {
      const end = Math.min(n, start + PROGRESS_EVERY);
      try {
        simulateBars(run, prepared, start, end);
      } catch (e) {
        failure = { i: run.bar, message: messageOf(e) };
        run.rollBack(run.bar);
        break;
      }
      options.onProgress?.(end, n);
      if (options.shouldStop?.() === true) throw new CancelledError();
    }
  // Orders still waiting after the last bar were signals that never filled.
  run.ctx.orders.length = 0;

  const covered = failure === null ? n : failure.i;
  const cut = (a: Float64Array) => (covered === n ? a : a.slice(0, covered));
  const { account, bars: b } = run;
  const trades = account.trades.slice();
  if (covered > 0) {
    const last = covered - 1;
    const openTrade = account.markOpenTrade(last, b.time[last] as number, b.close[last] as number);
    if (openTrade !== null) trades.push(openTrade);
  }
  const result: BacktestResult = {
    // A copy, so transferring the result out of a worker never detaches the dataset's own time column.
    time: bars.time.slice(0, covered),
    equity: cut(run.equity),
    drawdown: cut(run.drawdown),
    position: cut(run.position),
    signals: run.signals,
    fills: account.fills,
    trades,
    // The statistics stop at the last bar run: a failed bar never reached them.
    metrics: metricsFromStats(run.stats, config.capital, trades, account.feesPaid, periodsPerYear),
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
  if (options.overlays === true && prepared?.overlays !== undefined)
    result.overlays = { ...prepared.overlays };
  return result;
}
