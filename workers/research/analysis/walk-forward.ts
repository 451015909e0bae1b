import type { Objective, WalkForwardResult, WalkForwardWindow } from '../api.js';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import { backtestMetrics } from '../backtest/metrics.js';
import { inferPeriodsPerYear } from '../backtest/periods-per-year.js';
import type {
  BacktestConfig,
  BacktestResult,
  Bars,
  ExitReason,
  Params,
  SimFill,
  SimTrade,
} from '../backtest/types.js';
import { sliceBars } from '../data/bars.js';
import type { BarRange, SweepCellDraft, TaskHooks } from '../pool/tasks.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { sweepCells, withParams } from './sweep-cells.js';
import { bestIndex, scoreOf } from './sweep.js';

export interface WalkForwardOptions {
  strategy: StrategySpec;
  config: BacktestConfig;
  mode: 'rolling' | 'anchored';
  /** Bars in each in-sample window (anchored: the first; later ones start at bar 0 and grow). */
  inSample: number;
  /** Bars in each out-of-sample window; windows step forward by this much. */
  outOfSample: number;
  /** The grid to optimise over in each in-sample window (full params, e.g. from `planSweep`). */
  combos: readonly Params[];
  objective: Objective;
}

/**
 * Backtests `combos` over one in-sample window. `windowBars` are the window's bars; `range` is where they
 * sit in the whole series (for an evaluator that sends the whole series to its workers once).
 */
export type WindowEvaluator = (
  windowBars: Bars,
  combos: readonly Params[],
  range: BarRange,
  onProgress: (done: number, total: number) => void,
) => Promise<SweepCellDraft[]>;

/** One window's bar indexes: in-sample [isFrom, isTo), out-of-sample [isTo, oosTo). */
export interface WindowBounds {
  isFrom: number;
  isTo: number;
  oosTo: number;
}

/**
 * The windows over `n` bars: out-of-sample windows follow each other without overlap, each after its
 * in-sample window; rolling in-sample windows keep their length, anchored ones start at bar 0. Only full
 * out-of-sample windows are made: bars after the last one are not tested.
 */
export function walkForwardWindows(
  n: number,
  mode: 'rolling' | 'anchored',
  inSample: number,
  outOfSample: number,
): WindowBounds[] {
  const windows: WindowBounds[] = [];
  for (let isTo = inSample; isTo + outOfSample <= n; isTo += outOfSample)
    windows.push({ isFrom: mode === 'anchored' ? 0 : isTo - inSample, isTo, oosTo: isTo + outOfSample });
  return windows;
}

function checkOptions(n: number, o: WalkForwardOptions): void {
  if (o.mode !== 'rolling' && o.mode !== 'anchored')
    throw new ResearchInputError(
      'mode',
      `walk-forward mode is 'rolling' or 'anchored', got '${String(o.mode)}'`,
    );
  for (const [field, v] of [
    ['inSample', o.inSample],
    ['outOfSample', o.outOfSample],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new ResearchInputError(field, `${field} must be a whole number of bars, at least 1, got ${v}`);
  if (o.combos.length === 0)
    throw new ResearchInputError('axes', 'the walk-forward grid has no combinations: widen the sweep axes');
  let warmup = 0;
  let widest: Params = o.combos[0] as Params;
  for (const combo of o.combos) {
    const { strategy, params } = resolveStrategy(withParams(o.strategy, combo));
    const w = strategy.warmup(params);
    if (w > warmup) {
      warmup = w;
      widest = params;
    }
  }
  // The in-sample run needs bars after the warm-up to trade on and to score.
  if (o.inSample < warmup + 2)
    throw new ResearchInputError(
      'inSample',
      `in-sample windows of ${o.inSample} bars are too short: the strategy needs ${warmup} bars of warm-up with ${describeParams(widest)}; use at least ${warmup + 2} bars, ideally several times that`,
    );
  if (n < o.inSample + o.outOfSample)
    throw new ResearchInputError(
      'outOfSample',
      `walk-forward needs at least ${o.inSample + o.outOfSample} bars (${o.inSample} in-sample + ${o.outOfSample} out-of-sample) and the data has ${n}: shorten the windows or use a longer date range`,
    );
}

function describeParams(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** A stitched out-of-sample piece: the run's equity from the last in-sample bar on, rescaled. */
export interface OosPiece {
  time: Float64Array;
  equity: Float64Array;
  position: Float64Array;
  /** Trading on the piece's bars only (see `oosPiece`), indexes in the whole series. */
  trades: SimTrade[];
  fees: number;
}

/**
 * The out-of-sample part of a run over [isFrom, oosTo) (`close`: the closes of the bars it ran on): bars
 * from the last in-sample bar (the anchor) to the end, equity scaled so the anchor equals `startEquity`.
 * Its trades cover those bars only, with their money scaled the same way:
 * - a position held at the anchor is a trade that starts there, bought at the anchor's close: its entry is
 *   the anchor, its PnL is what the position and the later fills of that round trip made after the
 *   anchor, and only the fees of fills after the anchor count (the anchor's equity has paid the others);
 * - a position still held at the end is closed at the last bar's close (the run's own `end` trade): the
 *   next window runs again from its own start, so each piece stands alone.
 * So the piece's trade PnL adds up to its equity change, fees or not, and its trade fees to `fees`.
 */
export function oosPiece(
  run: BacktestResult,
  close: Float64Array,
  isLength: number,
  offset: number,
  startEquity: number,
): OosPiece {
  const anchor = isLength - 1;
  const scale = startEquity / (run.equity[anchor] as number);
  const equity = run.equity.slice(anchor);
  for (let k = 0; k < equity.length; k++) equity[k] = (equity[k] as number) * scale;
  let fees = 0;
  for (const f of run.fills) if (f.i > anchor) fees += f.fee * scale;
  const trades: SimTrade[] = [];
  for (const t of run.trades) {
    if (t.exitIndex <= anchor) continue;
    // Only one round trip can be open across the anchor: the one holding the position after its fills.
    const piece = t.entryIndex <= anchor ? tradeFromAnchor(run, close, anchor) : t;
    trades.push({
      ...piece,
      entryIndex: piece.entryIndex + offset,
      exitIndex: piece.exitIndex + offset,
      units: piece.units * scale,
      pnl: piece.pnl * scale,
      fees: piece.fees * scale,
    });
  }
  return { time: run.time.slice(anchor), equity, position: run.position.slice(anchor), trades, fees };
}

/**
 * The round trip open at `anchor` (after that bar's fills), counted from there: the units held are bought
 * at the anchor's close with no fee, then the fills after the anchor play out as the account played them
 * until the position is flat, or it is marked at the run's last close as the run marks its open trade.
 * Prices are averaged the way the account averages them.
 */
function tradeFromAnchor(run: BacktestResult, close: Float64Array, anchor: number): SimTrade {
  const { fills, time } = run;
  const anchorClose = close[anchor] as number;
  let held = run.position[anchor] as number;
  let units = held;
  let entryPrice = anchorClose;
  let cashOut = held * anchorClose;
  let cashIn = 0;
  let fees = 0;
  let sold = 0;
  let exitPrice = NaN;
  let exitIndex = run.equity.length - 1;
  let reason: ExitReason = 'end';
  let k = 0;
  while (k < fills.length && (fills[k] as SimFill).i <= anchor) k++;
  for (; k < fills.length; k++) {
    const f = fills[k] as SimFill;
    fees += f.fee;
    if (f.side === 'buy') {
      entryPrice = (held * entryPrice + f.units * f.price) / (held + f.units);
      held += f.units;
      units += f.units;
      cashOut += f.units * f.price + f.fee;
      continue;
    }
    exitPrice = sold === 0 ? f.price : (sold * exitPrice + f.units * f.price) / (sold + f.units);
    sold += f.units;
    cashIn += f.units * f.price - f.fee;
    // A sell that closes the position sells exactly what is held (as the account does), so this is exact.
    held = f.units >= held ? 0 : held - f.units;
    if (held === 0) {
      exitIndex = f.i;
      reason = f.reason;
      break;
    }
  }
  if (held > 0) {
    // Still open at the end of the run: marked at the last close, no fee.
    const lastClose = close[exitIndex] as number;
    exitPrice = sold === 0 ? lastClose : (sold * exitPrice + held * lastClose) / (sold + held);
    cashIn += held * lastClose;
  }
  const pnl = cashIn - cashOut;
  return {
    entryIndex: anchor,
    exitIndex,
    entryTime: time[anchor] as number,
    exitTime: time[exitIndex] as number,
    entryPrice,
    exitPrice,
    units,
    pnl,
    returnPct: pnl / cashOut,
    fees,
    bars: exitIndex - anchor,
    exitReason: reason,
  };
}

/**
 * Walk-forward optimisation: in each in-sample window the grid is evaluated (by `evaluate`, in this
 * thread or on a worker pool) and the params with the best objective are run on the following
 * out-of-sample window only. That run covers [in-sample start, out-of-sample end) so its indicators and
 * any position carry the in-sample bars as history, but only the out-of-sample bars are reported: their
 * equity, rescaled so each window continues from where the previous one ended, is stitched into one
 * curve that starts at the capital on the first window's last in-sample bar. The metrics are those of
 * that stitched curve, by the same definitions as a backtest's; the trade metrics count only what was
 * traded on out-of-sample bars (see `oosPiece`), so the trades' PnL adds up to the curve's change.
 */
export async function walkForward(
  bars: Bars,
  options: WalkForwardOptions,
  evaluate: WindowEvaluator,
  hooks: TaskHooks = {},
): Promise<WalkForwardResult> {
  const n = bars.time.length;
  checkOptions(n, options);
  const { config, objective, combos } = options;
  const windows = walkForwardWindows(n, options.mode, options.inSample, options.outOfSample);
  const periodsPerYear = config.periodsPerYear ?? inferPeriodsPerYear(bars.time);
  const perWindow = combos.length + 1;
  const total = windows.length * perWindow;
  let reported = 0;
  const report = (done: number) => {
    if (done > reported) {
      reported = done;
      hooks.onProgress?.(done, total);
    }
  };

  const pieces: OosPiece[] = [];
  const results: WalkForwardWindow[] = [];
  let equityNow = config.capital;
  for (let w = 0; w < windows.length; w++) {
    if (hooks.shouldStop?.()) throw new CancelledError();
    const { isFrom, isTo, oosTo } = windows[w] as WindowBounds;
    const base = w * perWindow;
    const cells = await evaluate(
      sliceBars(bars, isFrom, isTo),
      combos,
      { from: isFrom, to: isTo },
      (done, all) => report(base + Math.floor((done / Math.max(1, all)) * combos.length)),
    );
    if (hooks.shouldStop?.()) throw new CancelledError();
    const scores = cells.map((c) => (c.error === null ? scoreOf(c.metrics, objective) : NaN));
    const best = bestIndex(scores);
    if (best < 0)
      throw new ResearchInputError(
        'axes',
        `no combination scored on the in-sample window ${w + 1} (bars ${isFrom} to ${isTo - 1}): ${cells[0]?.error ?? `its ${objective} is undefined`}`,
      );
    const chosen = (cells[best] as SweepCellDraft).params;
    const { strategy, params } = resolveStrategy(withParams(options.strategy, chosen));
    const runBars = sliceBars(bars, isFrom, oosTo);
    const run = runBacktest(
      runBars,
      strategy,
      params,
      { ...config, periodsPerYear },
      {
        shouldStop: hooks.shouldStop,
      },
    );
    if (run.error)
      throw new Error(
        `the strategy stopped at bar ${isFrom + run.error.i} in out-of-sample window ${w + 1}: ${run.error.message}`,
      );
    const piece = oosPiece(run, runBars.close, isTo - isFrom, isFrom, equityNow);
    pieces.push(piece);
    results.push({
      inSample: { from: bars.time[isFrom] as number, to: bars.time[isTo - 1] as number },
      outOfSample: { from: bars.time[isTo] as number, to: bars.time[oosTo - 1] as number },
      params,
      inSampleScore: scores[best] as number,
      metrics: backtestMetrics({
        capital: equityNow,
        equity: piece.equity,
        position: piece.position,
        trades: piece.trades,
        feesPaid: piece.fees,
        periodsPerYear,
      }),
    });
    equityNow = piece.equity[piece.equity.length - 1] as number;
    report(base + perWindow);
  }
  return stitch(pieces, results, config.capital, periodsPerYear);
}

/** Joins the pieces: each starts with the anchor the previous one ended on, so it is kept once. */
function stitch(
  pieces: readonly OosPiece[],
  windows: WalkForwardWindow[],
  capital: number,
  periodsPerYear: number,
): WalkForwardResult {
  const length = 1 + pieces.reduce((s, p) => s + p.equity.length - 1, 0);
  const time = new Float64Array(length);
  const equity = new Float64Array(length);
  const position = new Float64Array(length);
  const trades: SimTrade[] = [];
  let fees = 0;
  let at = 0;
  pieces.forEach((p, k) => {
    const from = k === 0 ? 0 : 1;
    time.set(p.time.subarray(from), at);
    equity.set(p.equity.subarray(from), at);
    position.set(p.position.subarray(from), at);
    at += p.equity.length - from;
    trades.push(...p.trades);
    fees += p.fees;
  });
  const drawdown = new Float64Array(length);
  let peak = -Infinity;
  for (let t = 0; t < length; t++) {
    const e = equity[t] as number;
    if (e > peak) peak = e;
    drawdown[t] = 1 - e / peak;
  }
  return {
    windows,
    time,
    equity,
    drawdown,
    metrics: backtestMetrics({ capital, equity, position, trades, feesPaid: fees, periodsPerYear }),
  };
}

/** Evaluates in-sample windows in this thread, one combo after another. */
export function inProcessEvaluator(
  spec: StrategySpec,
  config: BacktestConfig,
  shouldStop?: () => boolean,
): WindowEvaluator {
  return (windowBars, combos, _range, onProgress) =>
    Promise.resolve(sweepCells(windowBars, spec, config, combos, { onProgress, shouldStop }));
}
