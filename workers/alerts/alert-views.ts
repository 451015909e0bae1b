import type { AlertStatus, AlertView } from './api.js';
import type { AlertState } from './evaluator-state.js';
import type { AlertSpec } from './types.js';

function wantsUp(spec: AlertSpec): boolean {
  if (spec.kind === 'price-cross') return spec.direction !== 'below';
  if (spec.kind === 'indicator') return spec.condition === 'above' || spec.condition === 'cross-above';
  return true;
}

function wantsDown(spec: AlertSpec): boolean {
  if (spec.kind === 'price-cross') return spec.direction !== 'above';
  if (spec.kind === 'indicator') return spec.condition === 'below' || spec.condition === 'cross-below';
  return false;
}

/** Where the alert stands at `now` (see AlertStatus). */
export function statusOf(spec: AlertSpec, state: AlertState | undefined, now: number): AlertStatus {
  if (!spec.enabled) return 'disabled';
  if (spec.snoozedUntil !== null && spec.snoozedUntil > now) return 'snoozed';
  const channels = state?.channels ?? {};
  if (spec.kind === 'price-cross' || spec.kind === 'indicator') {
    const c = channels[''];
    if (!c) return 'armed';
    const armed = (wantsUp(spec) && c.armedUp) || (wantsDown(spec) && c.armedDown);
    return armed ? 'armed' : 'rearming';
  }
  if (spec.kind === 'percent-move') {
    const dirs = spec.direction === 'either' ? ['up', 'down'] : [spec.direction];
    // Each direction's move is its own level, crossed upward: waiting when none of them can fire.
    const waiting = dirs.every((d) => channels[d] !== undefined && !channels[d]?.armedUp);
    return waiting ? 'rearming' : 'armed';
  }
  return 'armed';
}

export function viewOf(spec: AlertSpec, state: AlertState | undefined, now: number): AlertView {
  const c =
    spec.kind === 'percent-move'
      ? (state?.channels.up ?? state?.channels.down)
      : spec.kind === 'price-cross' || spec.kind === 'indicator'
        ? state?.channels['']
        : undefined;
  const lastValue = c ? (spec.kind === 'percent-move' && !state?.channels.up ? -c.value : c.value) : null;
  return {
    spec,
    status: statusOf(spec, state, now),
    firedCount: state?.firedCount ?? 0,
    lastFiredAt: state?.lastFiredAt ?? null,
    lastValue,
    lastValueAt: c?.time ?? null,
  };
}

/** Newest first, so a new alert shows at the top. */
export function sortViews(views: AlertView[]): AlertView[] {
  return views.sort((a, b) => b.spec.createdAt - a.spec.createdAt || (a.spec.id < b.spec.id ? -1 : 1));
}
