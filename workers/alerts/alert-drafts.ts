import { EngineFailure, engineError } from '../shared/errors.js';
import type { AlertDraft } from './api.js';
import { formatSpan } from './messages.js';
import { ALERT_SPEC_VERSION, type AlertSpec } from './types.js';
import type { AlertProblem } from './validate-alert.js';

/** A name that says what the alert watches, for drafts that come without one. */
export function defaultName(d: AlertDraft): string {
  switch (d.kind) {
    case 'price-cross': {
      const verb = d.direction === 'either' ? 'crosses' : `crosses ${d.direction}`;
      return `${d.symbol} ${verb} ${d.level}`;
    }
    case 'percent-move': {
      const dir = d.direction === 'either' ? 'moves' : d.direction === 'up' ? 'rises' : 'falls';
      return `${d.symbol} ${dir} ${d.percent} % in ${formatSpan(d.windowMs)}`;
    }
    case 'indicator':
      return d.indicator === 'rsi'
        ? `${d.symbol} RSI ${d.condition} ${d.level} (${d.timeframe})`
        : `${d.symbol} MACD ${d.condition.replace('-', ' ')} signal (${d.timeframe})`;
    case 'order-filled':
      return `Order filled${d.symbol ? ` on ${d.symbol}` : ''}`;
    case 'risk':
      return {
        'breaker-tripped': 'Circuit breaker tripped',
        drawdown: `Drawdown beyond ${d.threshold != null ? `${d.threshold * 100} %` : 'threshold'}`,
        'correlation-shock': `Correlation shock${d.symbol ? ` on ${d.symbol}` : ''}`,
        'feed-stale': `Feed stale${d.symbol ? ` (${d.symbol})` : ''}`,
      }[d.event];
  }
}

/** The spec a draft stands for; validateAlert checks it (fields the kind has not are refused there). */
export function specOfDraft(draft: AlertDraft, id: string, now: number): Record<string, unknown> {
  if (typeof draft !== 'object' || draft === null) return { v: ALERT_SPEC_VERSION, id };
  const { name, repeat, hysteresis, sound, ...own } = draft;
  const given = typeof name === 'string' ? name.trim() : '';
  let fallback = '';
  try {
    fallback = defaultName(draft).slice(0, 120);
  } catch {
    // A draft too broken to name: validation says what is wrong with it.
  }
  // The kind's own fields first: a draft cannot set the id, the creation time, the snooze or whether it
  // is on (validation refuses fields no kind has, and these are common to all).
  return {
    ...own,
    v: ALERT_SPEC_VERSION,
    id,
    name: given || fallback,
    repeat: repeat ?? 'every-crossing',
    hysteresis: hysteresis ?? null,
    snoozedUntil: null,
    sound: sound ?? true,
    enabled: true,
    createdAt: now,
  };
}

/** A refusal that lists every problem, each with its fix; `details` maps each field to its problem. */
export function invalidAlert(problems: readonly AlertProblem[]): EngineFailure {
  const details: Record<string, string> = {};
  for (const p of problems) {
    const key = p.path || 'alert';
    details[key] = details[key] ? `${details[key]} | ${p.message}; ${p.fix}` : `${p.message}; ${p.fix}`;
  }
  const text = problems.map((p) => `${p.message}; ${p.fix}`).join('. ');
  return new EngineFailure(engineError('invalid-alert', `Alert not saved: ${text}.`, false, details));
}

export function missingAlert(id: string): EngineFailure {
  return new EngineFailure(
    engineError('alert-not-found', `No alert with id "${String(id)}": it was deleted. Reload the list.`),
  );
}

/** The spec with a patch applied: only the fields that may change, anything else is ignored. */
export function patched(spec: AlertSpec, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...spec };
  for (const key of ['name', 'repeat', 'snoozedUntil', 'enabled', 'sound'] as const)
    if (patch && key in patch && patch[key] !== undefined) next[key] = patch[key];
  return next;
}
