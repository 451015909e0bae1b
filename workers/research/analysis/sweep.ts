import type { Objective, SweepCell, SweepResult } from '../api.js';
import type { BacktestMetrics } from '../backtest/types.js';
import type { SweepCellDraft } from '../pool/tasks.js';
import type { GridAxisValues } from './grid.js';
import { perBarSharpe } from './return-stats.js';
import { bonferroni, deflatedSharpe, holm } from './significance.js';

/** The objective's value; NaN when the run could not produce it. */
export function scoreOf(metrics: BacktestMetrics, objective: Objective): number {
  const v = metrics[objective];
  return typeof v === 'number' ? v : NaN;
}

/**
 * Index of the highest score, the first of equals; NaN scores rank below every number (Infinity, a
 * Calmar without drawdown, ranks above). -1 when there is no number at all.
 */
export function bestIndex(scores: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (Number.isNaN(s)) continue;
    if (best < 0 || s > (scores[best] as number)) best = i;
  }
  return best;
}

/**
 * Turns the workers' cells into the sweep's result: each cell's score and p-value (NaN for a run the
 * strategy broke off with an error), Bonferroni and Holm adjustments over every combination that ran,
 * the best cell, and the deflated Sharpe ratio of the best over all trials (cells without an error). The
 * deflated Sharpe's `sharpe` and `expectedMaxSharpe` are annualised with the best run's periods per
 * year, like the metrics' Sharpe; its probability is computed on per-bar figures.
 */
export function finishSweep(
  drafts: readonly SweepCellDraft[],
  axes: readonly GridAxisValues[],
  objective: Objective,
  workers: number,
  elapsedMs: number,
): SweepResult {
  const scores = drafts.map((d) => (d.error === null ? scoreOf(d.metrics, objective) : NaN));
  // A failed run is no test: NaN, which the corrections leave out of their count.
  const p = drafts.map((d) => (d.error === null ? d.pValue : NaN));
  const pB = bonferroni(p);
  const pH = holm(p);
  const cells: SweepCell[] = drafts.map((d, i) => ({
    params: d.params,
    metrics: d.metrics,
    score: scores[i] as number,
    pValue: p[i] as number,
    pBonferroni: pB[i] as number,
    pHolm: pH[i] as number,
    error: d.error,
  }));
  const best = bestIndex(scores);
  return {
    cells,
    best,
    deflatedSharpe: best < 0 ? null : deflatedSharpeOfBest(drafts, best),
    axes: axes.map((a) => ({ param: a.param, values: a.values.slice() })),
    workers,
    elapsedMs,
  };
}

function deflatedSharpeOfBest(
  drafts: readonly SweepCellDraft[],
  best: number,
): SweepResult['deflatedSharpe'] {
  const trials: number[] = [];
  let bestTrial = -1;
  drafts.forEach((d, i) => {
    const s = perBarSharpe(d.returns);
    if (d.error !== null || !Number.isFinite(s)) return;
    if (i === best) bestTrial = trials.length;
    trials.push(s);
  });
  const winner = drafts[best] as SweepCellDraft;
  if (bestTrial < 0) return null;
  const dsr = deflatedSharpe({
    sharpes: trials,
    best: bestTrial,
    T: winner.returns.n,
    skewness: winner.returns.skewness,
    kurtosis: winner.returns.kurtosis,
  });
  if (!dsr) return null;
  const annual = Math.sqrt(winner.metrics.periods_per_year);
  return {
    probability: dsr.probability,
    sharpe: dsr.sharpe * annual,
    expectedMaxSharpe: dsr.expectedMaxSharpe * annual,
    trials: dsr.trials,
  };
}
