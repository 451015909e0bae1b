import { Decimal } from '../../money/decimal.js';
import { defaultRiskLimits, parseRiskLimitField, type RiskLimits } from './limits.js';
import { formatNumber, formatValue } from './risk-gate.js';

/**
 * Circuit breakers and the kill switch, as a pure state machine: the caller feeds equity and closed
 * trades, stores the returned state, and writes an audit entry when something trips. A halted state
 * stays halted whatever is observed afterwards (a new UTC day included); only `rearm` lifts it, and only
 * after the cool-down.
 *
 * Equities are exact decimal strings in the account's quote currency; messages give the numbers without
 * the currency, which the UI knows.
 */

export type BreakerRule = 'daily-loss' | 'drawdown' | 'losing-streak' | 'kill-switch';

export interface BreakerState {
  halted: boolean;
  rule: BreakerRule | null;
  /** Why it halted, as a clause ("equity fell 1,050 since 00:00 UTC ..."), shown after "Trading halted:". */
  reason: string | null;
  haltedAt: number | null;
  /** Highest equity seen since the breakers were armed. */
  equityPeak: string;
  /** Start (epoch ms, UTC midnight) of the day the daily loss is measured in. */
  dayStart: number;
  dayStartEquity: string;
  consecutiveLosses: number;
}

export interface BreakerTrip {
  rule: BreakerRule;
  /** A full sentence for notices and the audit log. */
  message: string;
}

export interface BreakerUpdate {
  state: BreakerState;
  tripped: BreakerTrip | null;
}

export type RearmResult = { ok: true; state: BreakerState } | { ok: false; message: string };

const DAY_MS = 86_400_000;

/** The UTC midnight at or before `ms`. */
export function utcDayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** A limit as the breakers use it; a broken value falls back to the safe default rather than disarming. */
function limitOf<K extends keyof RiskLimits>(limits: RiskLimits, field: K): RiskLimits[K] {
  const r = parseRiskLimitField(field, (limits as unknown as Record<string, unknown> | null)?.[field]);
  return r.ok ? r.value : defaultRiskLimits[field];
}

function quoteText(d: Decimal): string {
  return formatValue(d);
}

function streakOf(state: BreakerState): number {
  const n = state.consecutiveLosses;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function halt(state: BreakerState, rule: BreakerRule, reason: string, now: number): BreakerUpdate {
  return {
    state: { ...state, halted: true, rule, reason, haltedAt: now },
    tripped: { rule, message: `Trading halted: ${reason}.` },
  };
}

/** Armed breakers starting from the current equity. */
export function initialBreakerState(equity: Decimal, now: number): BreakerState {
  if (!(equity instanceof Decimal)) throw new TypeError('initialBreakerState needs the equity as a Decimal');
  if (!Number.isFinite(now)) throw new TypeError(`initialBreakerState needs a finite time, not ${now}`);
  const e = equity.toString();
  return {
    halted: false,
    rule: null,
    reason: null,
    haltedAt: null,
    equityPeak: e,
    dayStart: utcDayStart(now),
    dayStartEquity: e,
    consecutiveLosses: 0,
  };
}

/**
 * Feeds the account's equity (cash plus positions at the mark). Rolls the UTC day (the new day's loss
 * is measured from the current equity), raises the peak, then trips 'daily-loss' when the equity is
 * down by the daily loss limit or more since 00:00 UTC, or 'drawdown' when it is the max drawdown or
 * more below the peak. An unreadable equity or time changes nothing.
 */
export function observeEquity(
  state: BreakerState,
  equity: Decimal,
  now: number,
  limits: RiskLimits,
): BreakerUpdate {
  if (!(equity instanceof Decimal) || !Number.isFinite(now)) return { state, tripped: null };
  const next: BreakerState = { ...state };
  const day = utcDayStart(now);
  let dayStartEquity = Decimal.tryFrom(state.dayStartEquity);
  if (!(day <= state.dayStart) || dayStartEquity === null) {
    // A later day, or an unreadable stored day: the day's loss counts from here.
    if (!(day <= state.dayStart)) next.dayStart = day;
    dayStartEquity = equity;
    next.dayStartEquity = equity.toString();
  }
  let peak = Decimal.tryFrom(state.equityPeak);
  if (peak === null || equity.gt(peak)) {
    peak = equity;
    next.equityPeak = equity.toString();
  }
  if (state.halted) return { state: next, tripped: null };

  const lossLimit = Decimal.from(limitOf(limits, 'dailyLossLimit'));
  const change = equity.sub(dayStartEquity);
  if (change.lte(lossLimit.neg()))
    return halt(
      next,
      'daily-loss',
      `equity fell ${quoteText(change.neg())} since 00:00 UTC (from ${quoteText(dayStartEquity)} to ${quoteText(equity)}), reaching the daily loss limit of ${quoteText(lossLimit)}`,
      now,
    );

  const maxDrawdown = Decimal.from(limitOf(limits, 'maxDrawdownPct'));
  if (peak.isPositive()) {
    const fall = peak.sub(equity);
    if (fall.mul(100).gte(maxDrawdown.mul(peak))) {
      const pct = (fall.toNumber() / peak.toNumber()) * 100;
      return halt(
        next,
        'drawdown',
        `equity ${quoteText(equity)} is ${formatNumber(pct, 2, 'ceil')} % below its peak of ${quoteText(peak)}, reaching the max drawdown of ${maxDrawdown} %`,
        now,
      );
    }
  }
  return { state: next, tripped: null };
}

/**
 * Feeds the P&L of a closed trade: a loss lengthens the losing streak, a win or break-even ends it.
 * Trips 'losing-streak' when the streak reaches the limit. An unreadable P&L or time changes nothing.
 */
export function observeClosedTrade(
  state: BreakerState,
  pnl: Decimal,
  now: number,
  limits: RiskLimits,
): BreakerUpdate {
  if (!(pnl instanceof Decimal) || !Number.isFinite(now)) return { state, tripped: null };
  const streak = pnl.isNegative() ? streakOf(state) + 1 : 0;
  const next: BreakerState = { ...state, consecutiveLosses: streak };
  const max = limitOf(limits, 'maxConsecutiveLosses');
  if (state.halted || streak < max) return { state: next, tripped: null };
  return halt(
    next,
    'losing-streak',
    `${streak} losing trades in a row (the last lost ${quoteText(pnl.neg())}) reached the limit of ${max}`,
    now,
  );
}

/** Halts at once, whatever the breakers say. Pressing it while already killed changes nothing. */
export function killSwitch(state: BreakerState, now: number): BreakerState {
  if (state.halted && state.rule === 'kill-switch') return state;
  return {
    ...state,
    halted: true,
    rule: 'kill-switch',
    reason: 'the kill switch was pressed',
    // A halt must never fail for want of a clock; an unknown time only means no cool-down to wait for.
    haltedAt: Number.isFinite(now) ? now : state.haltedAt,
  };
}

function countdown(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Lifts a halt once the cool-down since it has passed, restarting the breakers from the current
 * equity: the peak becomes the current equity and the losing streak zero, and if the day's loss is
 * still at the limit the day's loss is measured from here, so the same condition cannot trip again at
 * the next observation.
 */
export function rearm(state: BreakerState, equity: Decimal, now: number, limits: RiskLimits): RearmResult {
  if (!state.halted) return { ok: false, message: 'Trading is not halted: there is nothing to re-arm.' };
  if (!Number.isFinite(now)) return { ok: false, message: 'The current time is unknown: try again.' };
  if (!(equity instanceof Decimal))
    return {
      ok: false,
      message:
        'The current equity is unknown, so the breakers cannot restart from it: wait for prices and try again.',
    };
  const coolDown = limitOf(limits, 'coolDownMs');
  const at = state.haltedAt;
  if (typeof at === 'number' && Number.isFinite(at) && now < at + coolDown)
    return { ok: false, message: `Re-arm possible in ${countdown(at + coolDown - now)}.` };
  const day = utcDayStart(now);
  const e = equity.toString();
  let dayStart = state.dayStart;
  let dayStartEquity = state.dayStartEquity;
  const start = Decimal.tryFrom(dayStartEquity);
  const lossLimit = Decimal.from(limitOf(limits, 'dailyLossLimit'));
  if (!(day <= dayStart) || start === null || equity.sub(start).lte(lossLimit.neg())) {
    dayStart = Math.max(day, Number.isFinite(dayStart) ? dayStart : day);
    dayStartEquity = e;
  }
  return {
    ok: true,
    state: {
      halted: false,
      rule: null,
      reason: null,
      haltedAt: null,
      equityPeak: e,
      dayStart,
      dayStartEquity,
      consecutiveLosses: 0,
    },
  };
}
