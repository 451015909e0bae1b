import type { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { OrderType, Side } from '../types.js';
import {
  checkBalance,
  checkDailyLoss,
  checkHalted,
  checkOpenOrders,
  checkReduceOnly,
} from './account-checks.js';
import { checkGross, checkOrderNotional, checkPosition } from './exposure-checks.js';
import { derive, fail, type Derived } from './gate-context.js';
import { gateLimits, type GateLimits } from './gate-limits.js';
import type { RiskLimits } from './limits.js';
import { checkBand, checkMarket, checkStale } from './market-checks.js';

export { formatDecimal, formatDuration, formatNumber, formatValue, groupDigits } from './format.js';

/**
 * The one risk gate every order and child order passes before it is stored or sent. It evaluates every
 * rule, never stopping at the first failure, so the order preview can show each check in words; the
 * order is allowed only when all pass.
 *
 * Exactness: what is owned or sent (amounts, prices, balances, fees, the order's value) is compared in
 * exact decimals, and so is the position's value at the mark (the mark's float is read as its shortest
 * decimal text). The gross exposure of the other symbols and today's P&L arrive as floats: they are
 * estimates at the mark that move with every tick, so comparing them as floats changes no decision that
 * a tick later would not change anyway.
 *
 * Malformed inputs (a missing or negative amount, NaN prices, counts or times, unreadable limits) make
 * the checks that depend on them fail with a message saying what is wrong; nothing malformed passes. A
 * check that throws fails too, so `checkOrder` itself never throws.
 *
 * The rules themselves live in market-checks.ts, exposure-checks.ts and account-checks.ts; the context
 * they share is read in gate-context.ts and the limits in gate-limits.ts. This module keeps their order.
 */

export type RiskRule =
  | 'halted'
  | 'market-limits'
  | 'stale-data'
  | 'price-band'
  | 'order-notional'
  | 'position'
  | 'gross-exposure'
  | 'open-orders'
  | 'daily-loss'
  | 'balance'
  | 'reduce-only';

/** The rules in the order they are checked and shown; `firstFailure` is the first failing one here. */
export const riskRules: readonly RiskRule[] = Object.freeze([
  'halted',
  'market-limits',
  'stale-data',
  'price-band',
  'order-notional',
  'position',
  'gross-exposure',
  'open-orders',
  'daily-loss',
  'balance',
  'reduce-only',
] as const);

export interface RiskCheck {
  rule: RiskRule;
  passed: boolean;
  /** Plain English with the numbers, for the order preview and the audit log. */
  message: string;
  details: Record<string, string | number>;
}

export interface RiskDecision {
  ok: boolean;
  checks: RiskCheck[];
  firstFailure: RiskCheck | null;
}

export interface RiskOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  amount: Decimal;
  /** Limit price of limit, stop-limit and take-profit-limit orders; null for the others. */
  price: Decimal | null;
  /** Trigger price of stop and take-profit orders (required), of a trailing stop (optional); else null. */
  stopPrice: Decimal | null;
  /** The price the order is valued at: the limit price for limit types, else the estimated fill price. */
  refPrice: Decimal;
  reduceOnly: boolean;
}

/** Everything the gate needs, gathered by the caller; the gate reads nothing else. */
export interface RiskContext {
  /** Epoch ms. */
  now: number;
  order: RiskOrder;
  rules: MarketRules;
  /** The symbol's mark (mid or last) and when it was seen; null when there is no price yet. */
  mark: { price: number; time: number } | null;
  /** Base held in this symbol before the order (spot: never negative). */
  positionAmount: Decimal;
  /** Sum of |position| × mark over all other symbols, in this quote currency. */
  otherExposure: number;
  /** Open orders of the account now, not counting this one. */
  openOrders: number;
  /** Realized + unrealized P&L since the start of the UTC day, in the quote currency. */
  dayPnl: number;
  freeBase: Decimal;
  freeQuote: Decimal;
  /** Set while a circuit breaker or the kill switch has halted the account. */
  halt: { reason: string } | null;
}

function evaluate(rule: RiskRule, ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  switch (rule) {
    case 'halted':
      return checkHalted(ctx, L);
    case 'market-limits':
      return checkMarket(ctx, d);
    case 'stale-data':
      return checkStale(ctx, d, L);
    case 'price-band':
      return checkBand(ctx, d, L);
    case 'order-notional':
      return checkOrderNotional(ctx, d, L);
    case 'position':
      return checkPosition(ctx, d, L);
    case 'gross-exposure':
      return checkGross(ctx, d, L);
    case 'open-orders':
      return checkOpenOrders(ctx, L);
    case 'daily-loss':
      return checkDailyLoss(ctx, d, L);
    case 'balance':
      return checkBalance(ctx, d);
    case 'reduce-only':
      return checkReduceOnly(ctx, d);
  }
}

/**
 * Checks one order against every risk rule. The order may be placed only when `ok`; `checks` holds
 * every rule's verdict in `riskRules` order and `firstFailure` the first refusal.
 */
export function checkOrder(ctx: RiskContext, limits: RiskLimits): RiskDecision {
  let L: GateLimits | null = null;
  let limitsError = '';
  try {
    L = gateLimits(limits);
  } catch (e) {
    limitsError = e instanceof Error ? e.message : String(e);
  }
  const d = derive(ctx);
  const checks: RiskCheck[] = [];
  let firstFailure: RiskCheck | null = null;
  for (let i = 0; i < riskRules.length; i++) {
    const rule = riskRules[i]!;
    let c: RiskCheck;
    try {
      if (L === null) throw new Error(`the risk limits are unreadable (${limitsError})`);
      c = evaluate(rule, ctx, d, L);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      c = fail(rule, `This check could not run (${why}), so the order is refused.`, {});
    }
    checks.push(c);
    if (!c.passed && firstFailure === null) firstFailure = c;
  }
  return { ok: firstFailure === null, checks, firstFailure };
}
