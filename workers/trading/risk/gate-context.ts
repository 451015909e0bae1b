import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { Side } from '../types.js';
import { groupDigits } from './format.js';
import type { LimitValue } from './gate-limits.js';
import { riskLimitLabels } from './limits.js';
import type { RiskCheck, RiskContext, RiskRule } from './risk-gate.js';

// Validation of the gate's context: the values the rules share, read once per call, and the helpers
// the rules build their verdicts with.

/** Values several rules share, derived once per call; null where the input is malformed. */
export interface Derived {
  side: Side | null;
  /** The order amount when it is a positive decimal. */
  amount: Decimal | null;
  /** The held position when it is a decimal of at least zero. */
  position: Decimal | null;
  /** The position after the order fills entirely, when side, amount and position are valid. */
  after: Decimal | null;
  /** A sell of no more than is held: it can only lower the risk. */
  reducing: boolean;
  /** The mark when it is a positive finite number, else NaN; and the same as an exact decimal. */
  markPrice: number;
  markDec: Decimal | null;
  base: string;
  quote: string;
  /** Plain and grouped text of amount, position and position after, made once for all the messages. */
  amountStr: string;
  amountText: string;
  positionStr: string;
  positionText: string;
  afterStr: string;
  afterText: string;
}

let lastMarkPrice = NaN;
let lastMarkDec: Decimal | null = null;

function markDecimal(price: number): Decimal {
  if (price !== lastMarkPrice || lastMarkDec === null) {
    lastMarkDec = Decimal.from(price);
    lastMarkPrice = price;
  }
  return lastMarkDec;
}

export function derive(ctx: RiskContext): Derived {
  const d: Derived = {
    side: null,
    amount: null,
    position: null,
    after: null,
    reducing: false,
    markPrice: NaN,
    markDec: null,
    base: 'base',
    quote: 'quote',
    amountStr: '',
    amountText: '',
    positionStr: '',
    positionText: '',
    afterStr: '',
    afterText: '',
  };
  try {
    const r = ctx.rules;
    if (typeof r.base === 'string') d.base = r.base;
    if (typeof r.quote === 'string') d.quote = r.quote;
  } catch {
    // Unreadable rules: the market-limits check says so.
  }
  try {
    const o = ctx.order;
    if (o.side === 'buy' || o.side === 'sell') d.side = o.side;
    if (o.amount instanceof Decimal && o.amount.isPositive()) {
      d.amount = o.amount;
      d.amountStr = o.amount.toString();
      d.amountText = groupDigits(d.amountStr);
    }
    const p = ctx.positionAmount;
    if (p instanceof Decimal && !p.isNegative()) {
      d.position = p;
      d.positionStr = p.toString();
      d.positionText = groupDigits(d.positionStr);
    }
    if (d.side !== null && d.amount !== null && d.position !== null) {
      d.reducing = d.side === 'sell' && d.amount.lte(d.position);
      d.after = d.side === 'buy' ? d.position.add(d.amount) : d.position.sub(d.amount);
      d.afterStr = d.after.toString();
      d.afterText = groupDigits(d.afterStr);
    }
  } catch {
    // Left null: every check that needs these fails.
  }
  try {
    const m = ctx.mark;
    if (m !== null && typeof m === 'object' && Number.isFinite(m.price) && m.price > 0) {
      d.markPrice = m.price;
      d.markDec = markDecimal(m.price);
    }
  } catch {
    // Left missing: the checks that need a mark fail.
  }
  return d;
}

export function pass(rule: RiskRule, message: string, details: Record<string, string | number>): RiskCheck {
  return { rule, passed: true, message, details };
}

export function fail(rule: RiskRule, message: string, details: Record<string, string | number>): RiskCheck {
  return { rule, passed: false, message, details };
}

export function limitBroken(rule: RiskRule, limit: LimitValue<unknown>): RiskCheck {
  return fail(
    rule,
    `The ${riskLimitLabels[limit.field]} setting is unusable: ${limit.problem} Orders are refused until it is fixed in Settings.`,
    { setting: limit.field },
  );
}

export function textOf(x: unknown): string {
  if (x instanceof Decimal) return x.toString();
  if (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return String(x);
  return x === null ? 'null' : x === undefined ? 'missing' : typeof x;
}

export function priceDecimalsOf(rules: MarketRules): number {
  const p = rules.priceDecimals;
  return Number.isInteger(p) && p >= 0 && p <= 12 ? p : 8;
}

export function isAmount(x: unknown): x is Decimal {
  return x instanceof Decimal && !x.isNegative();
}

export function amountMissing(rule: RiskRule, ctx: RiskContext, d: Derived, what: string): RiskCheck | null {
  if (d.side === null)
    return fail(
      rule,
      `The order side is "${textOf(ctx.order.side)}", not buy or sell, so ${what} is unknown.`,
      {},
    );
  if (d.amount === null)
    return fail(
      rule,
      `The amount is ${textOf(ctx.order.amount)}, not above zero, so ${what} is unknown.`,
      {},
    );
  return null;
}

export function positionMissing(rule: RiskRule, ctx: RiskContext, d: Derived): RiskCheck | null {
  if (d.position === null)
    return fail(
      rule,
      `The ${d.base} position is ${textOf(ctx.positionAmount)}: a spot position is a decimal of at least zero, so the position record needs fixing.`,
      {},
    );
  return amountMissing(rule, ctx, d, 'the position after this order');
}
