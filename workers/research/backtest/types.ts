/**
 * The research contract: bars, strategies, the backtest's conventions and what a run returns. The
 * same `Strategy` drives the backtest engine, the lookahead check, sweeps and the live runner in the
 * trading worker; nothing here knows which one is calling.
 *
 * Numbers: research is float64 throughout (typed arrays on the hot path). Money that is sent to an
 * exchange is decimal, but a backtest sends nothing: the live runner converts a strategy's sizes to
 * decimal amounts with the market's precision before an order is built (see ARCHITECTURE.md).
 */

/** Bars as columns, oldest first, times strictly increasing (epoch ms of the bar's open). */
export interface Bars {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** 0 where the source had no volume. */
  volume: Float64Array;
  /** The source had closes only: open, high and low are copies of the close, and volume is 0. */
  closeOnly: boolean;
}

export type ParamValue = number;
export type Params = Readonly<Record<string, ParamValue>>;

/** One tunable number of a strategy, with the range a sweep or the form offers. */
export interface ParamSpec {
  name: string;
  label: string;
  default: number;
  min: number;
  max: number;
  step: number;
  /** Whole numbers only (periods). */
  integer: boolean;
  description?: string;
}

/** How much to buy when a strategy enters without saying: a share of equity, a cash amount or units. */
export type SizeRule =
  | { kind: 'equity-fraction'; fraction: number }
  | { kind: 'cash'; amount: number }
  | { kind: 'units'; amount: number };

/** Exits the runtime applies to every position, checked at each bar's close like every rule. */
export interface ExitRules {
  /** Fractions: 0.05 is 5 % below the entry price. Null: none. */
  stopLoss: number | null;
  takeProfit: number | null;
  /** Exit when the close falls this fraction below the highest close since entry. */
  trailing: number | null;
}

/** What a strategy sees on each closed bar. Reused between bars: do not keep a reference to it. */
export interface BarContext {
  /** Index of the bar that just closed. Only indexes <= i may be read: reading later bars is lookahead. */
  readonly i: number;
  readonly bars: Bars;
  readonly params: Params;
  /** Base units held (>= 0: spot, long only). */
  readonly position: number;
  readonly cash: number;
  /** Cash plus position at this bar's close. */
  readonly equity: number;
  /** Average entry price of the open position, NaN when flat. */
  readonly entryPrice: number;
  /** Bars since the position was opened, -1 when flat. */
  readonly barsInPosition: number;
  /** Enter or add: a market buy executed by the run's convention (close of this bar or open of the next). */
  buy(size?: SizeRule): void;
  /** Reduce: a market sell of `units` (all of the position when omitted). */
  sell(units?: number): void;
  /** Sell everything held. */
  exit(): void;
}

/** What `prepare` computes once over the bars it is given; `onBar` then only reads it. */
export interface PreparedStrategy {
  onBar(ctx: BarContext): void;
  /** Called after a fill of this strategy's order, before the next bar. */
  onFill?(fill: SimFill, ctx: BarContext): void;
  /**
   * Indicator series worth drawing with the price (name -> values aligned with the bars), made for the
   * caller. Read only when a chart wants them, so it may be a getter that computes them then.
   */
  overlays?: Readonly<Record<string, Float64Array>>;
  /**
   * Called once when the run is over (the engine's runs; a live decision does not): gives working memory
   * back (see `scratchColumns`). Nothing of this prepared strategy is used afterwards.
   */
  dispose?(): void;
}

/**
 * A strategy: tunable params, and `prepare`, which computes its indicators vectorised over the bars it
 * is given. Live, bars arrive one at a time and `prepare` is called again over the bars so far, so a
 * strategy that reads the future gives different signals on truncated data: that is what the lookahead
 * check catches.
 */
export interface Strategy {
  id: string;
  name: string;
  description: string;
  params: readonly ParamSpec[];
  /** Bars needed before the first signal can be true (for warm-up, and to size live history). */
  warmup(params: Params): number;
  /** Size used by `buy()` without an argument. */
  defaultSize: SizeRule;
  exits: ExitRules;
  prepare(bars: Bars, params: Params): PreparedStrategy;
  /**
   * Checks between params that the ranges of the ParamSpecs cannot express (sma-cross: fast below slow).
   * Each problem is a sentence naming the params and how to fix them; empty when the params are fine.
   */
  validate?(params: Params): string[];
}

/** How an order meets the price. */
export type Execution = 'close' | 'next-open';

export type Slippage =
  | { model: 'none' }
  /** Buys pay price x (1 + bps/1e4), sells get price x (1 - bps/1e4). */
  | { model: 'bps'; bps: number }
  /**
   * Square-root impact: slippage fraction = impact x sqrt(units / bar volume), capped at 10 %. A bar
   * with no volume falls back to `fallbackBps`.
   */
  | { model: 'volume'; impact: number; fallbackBps: number };

export interface BacktestConfig {
  /** Starting cash in the quote currency. */
  capital: number;
  /** Fee as a fraction of traded notional (0.001 is 0.1 %), charged on every fill. */
  fee: number;
  slippage: Slippage;
  execution: Execution;
  /** For annualising Sharpe, Sortino, volatility and CAGR. Null: from the bars' spacing. */
  periodsPerYear: number | null;
}

export type SignalAction = 'buy' | 'sell' | 'exit';
export type ExitReason = 'signal' | 'stop-loss' | 'take-profit' | 'trailing' | 'end';

/** A decision at the close of bar `i`, whether or not it could be filled. */
export interface Signal {
  i: number;
  time: number;
  action: SignalAction;
  reason: ExitReason;
  /** Units asked for (NaN: computed at fill time from the size rule). */
  units: number;
  /**
   * Placed by `onFill`, after a fill of an order decided at bar i (absent otherwise). With execution at
   * the next open that fill happened at open[i + 1], so the signal exists only once bar i + 1 has begun:
   * the lookahead check compares it as a signal of bar i + 1's open.
   */
  fromFill?: true;
}

export interface SimFill {
  /** Bar the fill happened on (i, or i + 1 for next-open). */
  i: number;
  time: number;
  side: 'buy' | 'sell';
  units: number;
  /** After slippage. */
  price: number;
  /** Quote currency. */
  fee: number;
  reason: ExitReason;
}

/** A round trip: from flat to flat (adds average into the entry). */
export interface SimTrade {
  entryIndex: number;
  exitIndex: number;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  units: number;
  /** Net of both sides' fees. */
  pnl: number;
  /** pnl / (entry notional + entry fee). */
  returnPct: number;
  fees: number;
  bars: number;
  exitReason: ExitReason;
}

/** Snake case, as `lyra backtest --json` prints them. Fractions, not percent. */
export interface BacktestMetrics {
  start_equity: number;
  final_equity: number;
  total_return: number;
  cagr: number;
  volatility_annualised: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  max_drawdown: number;
  /** Longest stretch below a previous peak, in bars. */
  max_drawdown_duration_bars: number;
  win_rate: number;
  profit_factor: number;
  expectancy: number;
  /** Share of bars with a position held over them. */
  exposure: number;
  trades: number;
  fees_paid: number;
  periods_per_year: number;
  bars: number;
}

/**
 * What `runBacktest` returns. `time` is the bars' own time column when the run covered every bar (a
 * copy when it stopped early): copy it before transferring the result. `drawdown`, `position`, `signals`, `fills` and `trades`
 * are built on first read (they are own enumerable properties, so spreading, JSON and postMessage see
 * them like the others).
 */
export interface BacktestResult {
  time: Float64Array;
  /** Cash plus position at each bar's close, after that bar's fills. */
  equity: Float64Array;
  /** 1 - equity / running peak, >= 0. */
  drawdown: Float64Array;
  /** Units held after each bar's fills. */
  position: Float64Array;
  signals: Signal[];
  fills: SimFill[];
  trades: SimTrade[];
  metrics: BacktestMetrics;
  /** The run stopped because the strategy threw: the bar and its message. Results cover the bars before. */
  error: { i: number; time: number; message: string } | null;
  /** The conventions in force, spelled out for the screen and the JSON. */
  conventions: string[];
  /** The prepared strategy's overlays, when the run was asked for them (`runBacktest` option `overlays`). */
  overlays?: Record<string, Float64Array>;
}
