/** What a sweep or walk-forward can optimise, and how each one's score reads. */
import type { BacktestMetrics, Objective } from '$workers/api';
import { formatFraction, formatRatio } from '../../format/portfolio';

export interface ObjectiveInfo {
  value: Objective;
  label: string;
  /** The metric the worker scores by. */
  metric: keyof BacktestMetrics;
  /** Returns are fractions shown as percent; the others are plain ratios. */
  kind: 'fraction' | 'ratio';
}

export const objectives: readonly ObjectiveInfo[] = [
  { value: 'sharpe', label: 'Sharpe', metric: 'sharpe', kind: 'ratio' },
  { value: 'total_return', label: 'Total return', metric: 'total_return', kind: 'fraction' },
  { value: 'cagr', label: 'CAGR', metric: 'cagr', kind: 'fraction' },
  { value: 'calmar', label: 'Calmar', metric: 'calmar', kind: 'ratio' },
  { value: 'sortino', label: 'Sortino', metric: 'sortino', kind: 'ratio' },
];

export function objectiveInfo(objective: Objective): ObjectiveInfo {
  const info = objectives.find((o) => o.value === objective);
  if (!info)
    throw new Error(
      `Unknown objective "${String(objective)}"; use one of ${objectives.map((o) => o.value).join(', ')}.`,
    );
  return info;
}

/** A score as the objective reads: "1.23" for Sharpe, "12.34%" for returns; NaN is "—", +∞ is "∞". */
export function formatScore(objective: Objective, score: number): string {
  return objectiveInfo(objective).kind === 'fraction' ? formatFraction(score) : formatRatio(score);
}
