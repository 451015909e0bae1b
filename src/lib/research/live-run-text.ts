/** Live strategy runs as the screen says them: status, strategy, and the comparison with a backtest. */
import type { Signal, StrategyComparison, StrategyInfo, StrategyRunStatus, StrategySpec } from '$workers/api';

export const STATUS_TEXT: Record<StrategyRunStatus, string> = {
  'warming-up': 'warming up',
  running: 'running',
  stopped: 'stopped',
  failed: 'failed',
};

/** "buy", "exit (stop-loss)": what a strategy decided on a bar. */
export function signalText(s: Pick<Signal, 'action' | 'reason'>): string {
  return s.reason === 'signal' || s.action === 'buy' ? s.action : `${s.action} (${s.reason})`;
}

/** "SMA crossover: fast 10, slow 50" or "Rules: My rules". */
export function strategyText(spec: StrategySpec, strategies: readonly StrategyInfo[]): string {
  if (spec.kind === 'rules') return `Rules: ${spec.rules.name}`;
  const info = strategies.find((s) => s.id === spec.id);
  // Param names ("fast", "period") read shorter than their labels ("Fast SMA (bars)").
  const params = Object.entries(spec.params)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${info?.name ?? spec.id}${params ? `: ${params}` : ''}`;
}

export interface ComparisonRow {
  time: number;
  /** What live did on the bar; null: nothing. */
  live: string | null;
  backtest: string | null;
  differs: boolean;
}

function byTime(signals: readonly Signal[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const s of signals) {
    const t = signalText(s);
    m.set(s.time, m.has(s.time) ? `${m.get(s.time)}, ${t}` : t);
  }
  return m;
}

/**
 * Live and backtest signals side by side, one row per bar either acted on, oldest first. A row differs
 * when the engine listed it as a difference or the two sides did not do the same thing.
 */
export function comparisonRows(c: StrategyComparison): ComparisonRow[] {
  const live = byTime(c.live.signals);
  const backtest = byTime(c.backtest.signals);
  const listed = new Map(c.differences.map((d) => [d.time, d]));
  const times = [...new Set([...live.keys(), ...backtest.keys(), ...listed.keys()])].sort((a, b) => a - b);
  return times.map((time) => {
    const d = listed.get(time);
    const l = live.get(time) ?? (d?.live || null);
    const b = backtest.get(time) ?? (d?.backtest || null);
    return { time, live: l, backtest: b, differs: d !== undefined || l !== b };
  });
}
