import type { LookaheadResult } from '../api.js';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import type { BacktestConfig, BacktestResult, Bars, Params, Signal, Strategy } from '../backtest/types.js';
import { truncateBars } from '../data/bars.js';
import type { TaskHooks } from '../pool/tasks.js';

export interface LookaheadOptions extends TaskHooks {
  /** Truncation points to try (default 20). */
  checkpoints?: number;
}

/** Mismatches reported at most: one lookahead bug shows at every later checkpoint. */
const MAX_MISMATCHES = 50;

function describe(signal: Signal | undefined): string {
  if (!signal) return 'no signal';
  return signal.action === 'exit' && signal.reason !== 'signal'
    ? `exit (${signal.reason}) at bar ${signal.i}`
    : `${signal.action} at bar ${signal.i}`;
}

function describeError(run: BacktestResult): string {
  return run.error ? `stopped at bar ${run.error.i}: ${run.error.message}` : 'ran to the end';
}

/** Bars ends (exclusive) to truncate at: `count` spread evenly after the warm-up, last bar excluded. */
function truncationEnds(n: number, warmup: number, count: number): number[] {
  // A run over bars [0, t] must see at least one bar past the warm-up to decide anything.
  const first = Math.max(warmup, 1);
  const last = n - 2;
  if (last < first) return [];
  const ends = new Set<number>();
  for (let k = 0; k < count; k++) {
    const t = count === 1 ? last : Math.round(first + ((last - first) * k) / (count - 1));
    ends.add(t + 1);
  }
  return [...ends].sort((a, b) => a - b);
}

/**
 * Looks for lookahead: runs the strategy over all the bars, then over bars [0, t] for `checkpoints`
 * truncation points t spread over the bars after its warm-up, and compares the signals up to t (bar and
 * action). A strategy that only reads bars <= i decides the same on both; one that reads later bars (in
 * `prepare` or `onBar`) sees different data when the future is cut off and decides differently. Reports
 * the first difference at each truncation point (at most 50). With execution at the next open, signals
 * `onFill` placed after the fill at open[t + 1] are left out at t: a run over [0, t] cannot have them.
 */
export function lookaheadCheck(
  bars: Bars,
  strategy: Strategy,
  params: Params,
  config: BacktestConfig,
  options: LookaheadOptions = {},
): LookaheadResult {
  const count = options.checkpoints ?? 20;
  if (!Number.isInteger(count) || count < 1 || count > 1000)
    throw new ResearchInputError(
      'checkpoints',
      `the lookahead check tries 1 to 1000 truncation points, got ${count}`,
    );
  const n = bars.time.length;
  const ends = truncationEnds(n, strategy.warmup(params), count);
  if (ends.length === 0)
    throw new ResearchInputError(
      'bars',
      `the lookahead check needs more bars than the strategy's warm-up plus 2; these bars have ${n}: use a longer date range`,
    );
  const { onProgress, shouldStop } = options;
  const total = ends.length + 1;
  const full = runBacktest(bars, strategy, params, config, { shouldStop });
  onProgress?.(1, total);
  const mismatches: LookaheadResult['mismatches'] = [];
  ends.forEach((end, k) => {
    if (shouldStop?.()) throw new CancelledError();
    const truncated = runBacktest(truncateBars(bars, end), strategy, params, config, { shouldStop });
    const difference = firstDifference(full, truncated, end - 1, config.execution === 'next-open');
    if (difference && mismatches.length < MAX_MISMATCHES) mismatches.push(difference);
    onProgress?.(k + 2, total);
  });
  return { checked: ends.length, mismatches, ok: mismatches.length === 0 };
}

/**
 * The signals of the full run that a run over bars [0, t] can have too: those of bars <= t, except,
 * with execution at the next open, those `onFill` placed after bar t's orders filled at open[t + 1]
 * (recorded at bar t, the bar the strategy last saw, but a run that ends at t never gets that fill).
 * Signals come in bar order, so this stops at the first one after t.
 */
function signalsSeenBy(signals: readonly Signal[], t: number, nextOpen: boolean): Signal[] {
  const seen: Signal[] = [];
  for (const s of signals) {
    if (s.i > t) break;
    if (nextOpen && s.i === t && s.fromFill === true) continue;
    seen.push(s);
  }
  return seen;
}

/** The first signal at bars <= t on which the two runs disagree, or a run error only one of them hit. */
function firstDifference(
  full: BacktestResult,
  truncated: BacktestResult,
  t: number,
  nextOpen: boolean,
): LookaheadResult['mismatches'][number] | null {
  const a = signalsSeenBy(full.signals, t, nextOpen);
  const b = truncated.signals;
  const time = (i: number) => full.time[i] ?? NaN;
  for (let j = 0; j < a.length || j < b.length; j++) {
    const x = a[j];
    const y = b[j];
    if (!x || !y || x.i !== y.i || x.action !== y.action) {
      const i = Math.min(x?.i ?? Infinity, y?.i ?? Infinity);
      return { i, time: time(i), full: describe(x), truncated: describe(y) };
    }
  }
  const fullError = full.error !== null && full.error.i <= t ? full.error : null;
  const truncatedError = truncated.error;
  if (
    (fullError === null) !== (truncatedError === null) ||
    (fullError && truncatedError && fullError.i !== truncatedError.i)
  ) {
    const i = Math.min(fullError?.i ?? t, truncatedError?.i ?? t);
    return { i, time: time(i), full: describeError(full), truncated: describeError(truncated) };
  }
  return null;
}
