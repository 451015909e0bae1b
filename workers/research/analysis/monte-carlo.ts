import type { MonteCarloResult } from '../api.js';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { barReturns } from '../backtest/metrics.js';
import type { BacktestResult } from '../backtest/types.js';
import type { TaskHooks } from '../pool/tasks.js';
import { percentilesInPlace } from './percentiles.js';
import { isValidSeed, seededRandom } from './random.js';

export const MAX_MONTE_CARLO_RUNS = 100_000;
/** Equity values kept for the fan chart across all runs (8 bytes each): about 160 MB at most. */
const MAX_FAN_VALUES = 20_000_000;

export interface MonteCarloOptions extends TaskHooks {
  runs: number;
  /**
   * 'trades': resample the backtest's trade returns (`returnPct`), as many as it had, compounding each
   * on the whole equity. 'bars': resample its bar returns, as many as it had.
   */
  method: 'trades' | 'bars';
  seed: number;
  /** Starting equity of every path; the backtest's starting equity when omitted. */
  capital?: number;
  /** Histogram bins of final equity (default 30). */
  bins?: number;
  /** At most this many fan points (default 2,000), evenly spaced over the steps, first and last included. */
  maxFanPoints?: number;
}

function check(result: BacktestResult, o: MonteCarloOptions): { capital: number; sample: Float64Array } {
  if (!Number.isInteger(o.runs) || o.runs < 1 || o.runs > MAX_MONTE_CARLO_RUNS)
    throw new ResearchInputError(
      'runs',
      `Monte Carlo runs must be a whole number from 1 to ${MAX_MONTE_CARLO_RUNS.toLocaleString('en')}, got ${o.runs}`,
    );
  if (o.method !== 'trades' && o.method !== 'bars')
    throw new ResearchInputError(
      'method',
      `the resampling method is 'trades' or 'bars', got '${String(o.method)}'`,
    );
  if (!isValidSeed(o.seed))
    throw new ResearchInputError(
      'seed',
      `the seed must be a whole number from -(2^53 - 1) to 2^53 - 1 (e.g. 1), got ${o.seed}`,
    );
  const capital = o.capital ?? result.metrics.start_equity;
  if (!(capital > 0) || !Number.isFinite(capital))
    throw new ResearchInputError('capital', `starting capital must be a positive number, got ${capital}`);
  const sample =
    o.method === 'trades' ? Float64Array.from(result.trades, (t) => t.returnPct) : barReturns(result.equity);
  if (sample.length === 0)
    throw new ResearchInputError(
      'method',
      o.method === 'trades'
        ? 'the backtest made no trades to resample: resample its bar returns instead, or pick params that trade'
        : 'the backtest has fewer than 2 bars: there are no bar returns to resample',
    );
  for (const r of sample)
    if (!Number.isFinite(r))
      throw new ResearchInputError(
        'method',
        `the backtest has a non-finite ${o.method === 'trades' ? 'trade' : 'bar'} return (${r}): it cannot be resampled`,
      );
  return { capital, sample };
}

/** Steps at which the fan is recorded: every step when they fit, else `points` evenly spaced ones. */
function fanSteps(steps: number, points: number): Float64Array {
  if (points >= steps + 1) return Float64Array.from({ length: steps + 1 }, (_, s) => s);
  const out = new Float64Array(points);
  for (let f = 0; f < points; f++) out[f] = Math.round((f * steps) / (points - 1));
  return out;
}

function histogram(values: Float64Array, bins: number): { edges: number[]; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // Every run ended in the same place: one bin of no width holds them all.
  if (lo === hi) return { edges: [lo, hi], counts: [values.length] };
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[b] = (counts[b] as number) + 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  return { edges, counts };
}

/**
 * Bootstrap of a backtest's returns: `runs` paths, each drawing as many returns as the backtest had, with
 * replacement, from a seeded generator (the same seed gives the same result), compounded from `capital`.
 * Reports the percentiles (R type 7) of final equity and of each path's max drawdown, the share of paths
 * ending below the capital, a fan of equity percentiles per step and a histogram of final equity. Paths
 * are kept only at the fan's steps, and each step's percentiles come from a selection over the runs,
 * not a sort.
 */
export function monteCarlo(result: BacktestResult, options: MonteCarloOptions): MonteCarloResult {
  const { capital, sample } = check(result, options);
  const { runs, onProgress, shouldStop } = options;
  const steps = sample.length;
  const maxPoints = Math.max(2, Math.floor(options.maxFanPoints ?? 2000));
  const points = Math.min(steps + 1, maxPoints, Math.max(2, Math.floor(MAX_FAN_VALUES / runs)));
  const step = fanSteps(steps, points);
  const fanCount = step.length;
  // Step-major, so each step's values across runs are one contiguous block to select in.
  const fan = new Float64Array(fanCount * runs);
  const finals = new Float64Array(runs);
  const drawdowns = new Float64Array(runs);
  const random = seededRandom(options.seed);
  const reportEvery = Math.max(1, Math.ceil(runs / 100));

  for (let run = 0; run < runs; run++) {
    if (run % reportEvery === 0) {
      if (shouldStop?.()) throw new CancelledError();
      if (run > 0) onProgress?.(run, runs);
    }
    let equity = capital;
    let peak = capital;
    let worst = 0;
    fan[run] = capital;
    let nextPoint = 1;
    for (let s = 1; s <= steps; s++) {
      equity *= 1 + (sample[random.index(steps)] as number);
      if (equity > peak) peak = equity;
      else {
        const dd = 1 - equity / peak;
        if (dd > worst) worst = dd;
      }
      if (nextPoint < fanCount && s === step[nextPoint]) fan[nextPoint++ * runs + run] = equity;
    }
    finals[run] = equity;
    drawdowns[run] = worst;
  }

  let losses = 0;
  for (const e of finals) if (e < capital) losses++;
  const bands = {
    p5: new Float64Array(fanCount),
    p25: new Float64Array(fanCount),
    p50: new Float64Array(fanCount),
    p75: new Float64Array(fanCount),
    p95: new Float64Array(fanCount),
  };
  for (let f = 0; f < fanCount; f++) {
    const q = percentilesInPlace(fan.subarray(f * runs, (f + 1) * runs));
    bands.p5[f] = q.p5;
    bands.p25[f] = q.p25;
    bands.p50[f] = q.p50;
    bands.p75[f] = q.p75;
    bands.p95[f] = q.p95;
  }
  const hist = histogram(finals, Math.max(1, Math.floor(options.bins ?? 30)));
  const out: MonteCarloResult = {
    method: options.method,
    runs,
    finalEquity: percentilesInPlace(finals),
    maxDrawdown: percentilesInPlace(drawdowns),
    lossProbability: losses / runs,
    fan: { step, ...bands },
    histogram: hist,
  };
  onProgress?.(runs, runs);
  return out;
}
