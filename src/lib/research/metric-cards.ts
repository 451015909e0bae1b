/**
 * The backtest's metric cards as text. A metric the run cannot define (no trades, no losses, no
 * drawdown) is not a number: it shows "n/a" or "∞" with a title that says why, never a made-up 0.
 */
import type { BacktestMetrics } from '$workers/api';
import {
  formatFraction,
  formatMoney,
  formatRatio,
  formatSignedFraction,
  formatSignedMoney,
  signClass,
} from '../format/portfolio';

export interface MetricCard {
  id: keyof BacktestMetrics;
  label: string;
  text: string;
  /** Why the value is n/a or infinite; null when it is an ordinary number. */
  title: string | null;
  /** Extra line under the value (the drawdown's duration). */
  sub: string | null;
  tone: '' | 'up' | 'down';
}

type Kind = 'signed-fraction' | 'fraction' | 'ratio' | 'money' | 'signed-money' | 'count';

interface Def {
  id: keyof BacktestMetrics;
  label: string;
  kind: Kind;
  /** Why this metric can be undefined for a run. */
  nan: string;
  /** Why it can be infinite. */
  infinite?: string;
  toned?: boolean;
}

const DEFS: readonly Def[] = [
  {
    id: 'total_return',
    label: 'Total return',
    kind: 'signed-fraction',
    nan: 'No equity to compare.',
    toned: true,
  },
  {
    id: 'cagr',
    label: 'CAGR',
    kind: 'signed-fraction',
    nan: 'Needs at least two bars to annualise.',
    toned: true,
  },
  {
    id: 'sharpe',
    label: 'Sharpe',
    kind: 'ratio',
    nan: 'Needs bar returns that vary: the equity never changed, or there are too few bars.',
    infinite: 'The returns never varied, so the ratio divides by zero.',
  },
  {
    id: 'sortino',
    label: 'Sortino',
    kind: 'ratio',
    nan: 'Needs bar returns that vary: the equity never changed, or there are too few bars.',
    infinite: 'No bar lost money, so there is no downside to divide by.',
  },
  {
    id: 'calmar',
    label: 'Calmar',
    kind: 'ratio',
    nan: 'Needs a growth rate and a drawdown.',
    infinite: 'There was no drawdown, so the growth rate is divided by zero.',
  },
  { id: 'max_drawdown', label: 'Max drawdown', kind: 'fraction', nan: 'No equity to measure.' },
  { id: 'win_rate', label: 'Win rate', kind: 'fraction', nan: 'No trades, so no share of winners.' },
  {
    id: 'profit_factor',
    label: 'Profit factor',
    kind: 'ratio',
    nan: 'No trades, so no gains or losses to compare.',
    infinite: 'No losing trades: gross gains are divided by zero losses.',
  },
  {
    id: 'expectancy',
    label: 'Expectancy',
    kind: 'signed-money',
    nan: 'No trades, so no average trade result.',
    toned: true,
  },
  { id: 'exposure', label: 'Exposure', kind: 'fraction', nan: 'No bars.' },
  { id: 'trades', label: 'Trades', kind: 'count', nan: 'No trades counted.' },
  { id: 'fees_paid', label: 'Fees paid', kind: 'money', nan: 'No fees counted.' },
];

function text(v: number, kind: Kind, quote: string | undefined): string {
  switch (kind) {
    case 'signed-fraction':
      return formatSignedFraction(v, 2);
    case 'fraction':
      return formatFraction(v, 2);
    case 'ratio':
      return formatRatio(v, 2);
    case 'money':
      return formatMoney(v, quote);
    case 'signed-money':
      return formatSignedMoney(v, quote);
    case 'count':
      return v.toLocaleString('en-US');
  }
}

/** "n/a" or "∞" (or "−∞") with the reason, else the number formatted for its kind. */
function card(def: Def, v: number, quote: string | undefined): Omit<MetricCard, 'sub'> {
  if (Number.isNaN(v)) return { id: def.id, label: def.label, text: 'n/a', title: def.nan, tone: '' };
  if (!Number.isFinite(v))
    return {
      id: def.id,
      label: def.label,
      text: v > 0 ? '∞' : '−∞',
      title: def.infinite ?? 'Infinite: a ratio divided by zero.',
      tone: '',
    };
  const tone = def.toned ? (signClass(v) as MetricCard['tone']) : '';
  return { id: def.id, label: def.label, text: text(v, def.kind, quote), title: null, tone };
}

function barsText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'bar' : 'bars'}`;
}

/** The cards in reading order, with the drawdown's longest duration under the drawdown. */
export function metricCards(m: BacktestMetrics, quote?: string): MetricCard[] {
  return DEFS.map((def) => {
    const c = card(def, m[def.id], quote);
    const sub =
      def.id === 'max_drawdown' && Number.isFinite(m.max_drawdown_duration_bars)
        ? `longest ${barsText(m.max_drawdown_duration_bars)} under a peak`
        : null;
    return { ...c, sub };
  });
}
