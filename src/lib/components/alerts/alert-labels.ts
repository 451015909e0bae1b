import type { AlertSpec, AlertStatus, AlertView } from '$workers/api';

// Words for alerts on the screen: conditions, states and the snooze choices.

export const kindLabels = {
  'price-cross': 'Price crosses',
  'percent-move': 'Percent move',
  indicator: 'Indicator (RSI, MACD)',
  'order-filled': 'Order filled',
  risk: 'Risk event',
} as const;

export const riskEventLabels = {
  'breaker-tripped': 'Circuit breaker tripped',
  drawdown: 'Drawdown beyond a threshold',
  'correlation-shock': 'Correlation shock',
  'feed-stale': 'Market feed stale',
} as const;

export const statusLabels: Record<AlertStatus, string> = {
  armed: 'Armed',
  rearming: 'Waiting to re-arm',
  snoozed: 'Snoozed',
  disabled: 'Disabled',
};

/** What the alert watches, in one line. */
export function conditionText(s: AlertSpec): string {
  switch (s.kind) {
    case 'price-cross':
      return `${s.symbol} ${s.direction === 'either' ? 'crosses' : `crosses ${s.direction}`} ${s.level}`;
    case 'percent-move': {
      const dir = s.direction === 'either' ? 'moves' : s.direction === 'up' ? 'rises' : 'falls';
      return `${s.symbol} ${dir} ${s.percent} % within ${spanText(s.windowMs)}`;
    }
    case 'indicator':
      return s.indicator === 'rsi'
        ? `${s.symbol} RSI(${s.params.period ?? 14}) ${s.condition} ${s.level} on ${s.timeframe}`
        : `${s.symbol} MACD ${s.condition === 'cross-above' ? 'crosses above' : 'crosses below'} its signal on ${s.timeframe}`;
    case 'order-filled':
      return `A fill${s.symbol ? ` on ${s.symbol}` : ' on any market'}${s.accountId ? ` (account ${s.accountId})` : ''}`;
    case 'risk':
      if (s.event === 'drawdown') return `Drawdown beyond ${round(100 * (s.threshold ?? 0))} %`;
      if (s.event === 'correlation-shock')
        return `Correlation changes by ${s.threshold}${s.symbol ? ` on ${s.symbol}` : ''}`;
      return riskEventLabels[s.event] + (s.symbol ? ` (${s.symbol})` : '');
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function spanText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** The state line: "Snoozed until 14:00", "Waiting to re-arm". */
export function statusText(v: AlertView, formatTime: (ms: number) => string): string {
  if (v.status === 'snoozed' && v.spec.snoozedUntil !== null)
    return `Snoozed until ${formatTime(v.spec.snoozedUntil)}`;
  if (v.status === 'disabled' && v.spec.repeat === 'once' && v.firedCount > 0) return 'Fired (one-shot)';
  return statusLabels[v.status];
}

export interface SnoozeChoice {
  label: string;
  until: (now: number) => number;
}

/** Local midnight after `now`, then 08:00: "until tomorrow" means the next morning. */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}

export const snoozeChoices: SnoozeChoice[] = [
  { label: '15 min', until: (now) => now + 15 * 60_000 },
  { label: '1 hour', until: (now) => now + 3_600_000 },
  { label: 'Until tomorrow 08:00', until: tomorrowMorning },
];

/** A price rounded to the market's tick, as decimal text with the tick's decimals. */
export function roundToTick(price: number, tickSize: number, decimals: number): string {
  if (!Number.isFinite(price)) return '';
  if (!(tickSize > 0)) return price.toFixed(Math.max(0, Math.min(12, decimals)));
  const ticks = Math.round(price / tickSize);
  return (ticks * tickSize).toFixed(Math.max(0, Math.min(12, decimals)));
}
