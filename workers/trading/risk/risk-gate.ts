import { Decimal, type Rounding } from '../../money/decimal.js';
import { checkMarketRules, type MarketRules } from '../../money/market-rules.js';
import type { OrderType, Side } from '../types.js';
import { parseRiskLimitField, riskLimitLabels, type RiskLimits } from './limits.js';

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

// ---------------------------------------------------------------------------------------------------
// Number formatting for messages: cheap, no Intl, grouped with commas ("12,000.5").

const pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/** Groups the integer digits of plain decimal text: "-12345.5" becomes "-12,345.5". */
export function groupDigits(text: string): string {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  let dot = text.indexOf('.');
  if (dot < 0) dot = text.length;
  if (dot - start <= 3) return text;
  const head = (dot - start) % 3 || 3;
  let out = text.slice(0, start + head);
  for (let i = start + head; i < dot; i += 3) out += ',' + text.slice(i, i + 3);
  return out + text.slice(dot);
}

function trimZeros(text: string): string {
  if (text.indexOf('.') < 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * A float with at most `decimals` decimals, trailing zeros dropped, grouped. `ceil` and `floor` round
 * away from or toward a limit so that a shown value never seems to contradict the verdict beside it.
 */
export function formatNumber(
  x: number,
  decimals = 2,
  rounding: 'ceil' | 'floor' | 'nearest' = 'nearest',
): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return String(x);
  const dp = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals | 0;
  let v = x;
  if (rounding !== 'nearest') {
    const f = pow10[dp] as number;
    const y = x * f;
    const r = Math.round(y);
    // A product like 0.1 × 100 lands a hair above 10: treat it as the whole number it is.
    v =
      (Math.abs(y - r) <= 1e-9 * Math.max(1, Math.abs(y))
        ? r
        : rounding === 'ceil'
          ? Math.ceil(y)
          : Math.floor(y)) / f;
  }
  const t = trimZeros(v.toFixed(dp));
  return groupDigits(t === '-0' ? '0' : t);
}

/** An exact decimal rounded to at most `decimals` decimals, trailing zeros dropped, grouped. */
export function formatDecimal(d: Decimal, decimals: number, rounding: Rounding = 'half-even'): string {
  return groupDigits(d.round(decimals, rounding).toString());
}

/** A value in the quote currency: cents from 1 up, finer below (0.00042 BTC, 12,000.5 USDT). */
export function formatValue(x: Decimal | number, rounding: 'ceil' | 'floor' | 'nearest' = 'nearest'): string {
  if (typeof x === 'number') return formatNumber(x, Math.abs(x) >= 1 ? 2 : 8, rounding);
  const big = x.units >= 0n ? x.cmp(Decimal.ONE) >= 0 : x.cmp(MINUS_ONE) <= 0;
  return formatDecimal(x, big ? 2 : 8, rounding === 'nearest' ? 'half-even' : rounding);
}

/** Elapsed time in words: "350 ms", "12.5 s", "3 min". */
export function formatDuration(ms: number, rounding: 'ceil' | 'floor' | 'nearest' = 'nearest'): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${formatNumber(ms, 0, rounding)} ms`;
  if (ms < 120_000) return `${formatNumber(ms / 1000, 1, rounding)} s`;
  return `${formatNumber(ms / 60_000, 1, rounding)} min`;
}

// ---------------------------------------------------------------------------------------------------

const MINUS_ONE = Decimal.from(-1);
const HUNDRED = Decimal.from(100);
const limitTypes: ReadonlySet<string> = new Set<OrderType>(['limit', 'stop-limit', 'take-profit-limit']);
const stopRequiredTypes: ReadonlySet<string> = new Set<OrderType>([
  'stop-market',
  'stop-limit',
  'take-profit',
  'take-profit-limit',
]);
const orderTypes: ReadonlySet<string> = new Set<OrderType>([
  'market',
  'limit',
  'stop-market',
  'stop-limit',
  'take-profit',
  'take-profit-limit',
  'trailing-stop',
]);

/** The limits the gate reads, parsed once per distinct set of values (Settings change rarely). */
interface GateLimits {
  keys: unknown[];
  orderNotional: LimitValue<Decimal>;
  position: LimitValue<Decimal>;
  gross: LimitValue<number>;
  band: LimitValue<Decimal>;
  openOrders: LimitValue<number>;
  dailyLoss: LimitValue<number>;
  staleMs: LimitValue<number>;
  /** The breakers' own settings, when one is unusable: the gate refuses orders rather than trust them. */
  breakerProblem: LimitValue<unknown> | null;
}

/** A parsed limit, or null with the reason it is unusable. */
interface LimitValue<T> {
  field: keyof RiskLimits;
  value: T | null;
  /** Grouped text for messages ("10,000"). */
  text: string;
  /** The setting as stored ("10000"), for details. */
  raw: string;
  problem: string;
}

let cachedLimits: GateLimits | null = null;

function readLimit<T>(
  limits: RiskLimits,
  field: keyof RiskLimits,
  convert: (v: string | number) => T,
): LimitValue<T> {
  const r = parseRiskLimitField(field, (limits as unknown as Record<string, unknown>)[field]);
  if (!r.ok) return { field, value: null, text: '', raw: '', problem: r.message };
  return {
    field,
    value: convert(r.value),
    text: groupDigits(String(r.value)),
    raw: String(r.value),
    problem: '',
  };
}

function gateLimits(l: RiskLimits): GateLimits {
  const c = cachedLimits;
  if (
    c !== null &&
    c.keys[0] === l.maxOrderNotional &&
    c.keys[1] === l.maxPositionNotional &&
    c.keys[2] === l.maxGrossExposure &&
    c.keys[3] === l.priceBandPct &&
    c.keys[4] === l.maxOpenOrders &&
    c.keys[5] === l.dailyLossLimit &&
    c.keys[6] === l.staleAfterMs &&
    c.keys[7] === l.maxDrawdownPct &&
    c.keys[8] === l.maxConsecutiveLosses &&
    c.keys[9] === l.coolDownMs
  )
    return c;
  const dec = (v: string | number) => Decimal.from(v);
  const num = (v: string | number) => Number(v);
  const next: GateLimits = {
    keys: [
      l.maxOrderNotional,
      l.maxPositionNotional,
      l.maxGrossExposure,
      l.priceBandPct,
      l.maxOpenOrders,
      l.dailyLossLimit,
      l.staleAfterMs,
      l.maxDrawdownPct,
      l.maxConsecutiveLosses,
      l.coolDownMs,
    ],
    orderNotional: readLimit(l, 'maxOrderNotional', dec),
    position: readLimit(l, 'maxPositionNotional', dec),
    gross: readLimit(l, 'maxGrossExposure', num),
    band: readLimit(l, 'priceBandPct', dec),
    openOrders: readLimit(l, 'maxOpenOrders', num),
    dailyLoss: readLimit(l, 'dailyLossLimit', num),
    staleMs: readLimit(l, 'staleAfterMs', num),
    breakerProblem: null,
  };
  for (const field of ['maxDrawdownPct', 'maxConsecutiveLosses', 'coolDownMs'] as const) {
    const v = readLimit(l, field, num);
    if (v.value === null && next.breakerProblem === null) next.breakerProblem = v;
  }
  // NaN keys never compare equal, so malformed limits are simply re-read on every call.
  cachedLimits = next;
  return next;
}

/** Values several rules share, derived once per call; null where the input is malformed. */
interface Derived {
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

function derive(ctx: RiskContext): Derived {
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

function pass(rule: RiskRule, message: string, details: Record<string, string | number>): RiskCheck {
  return { rule, passed: true, message, details };
}

function fail(rule: RiskRule, message: string, details: Record<string, string | number>): RiskCheck {
  return { rule, passed: false, message, details };
}

function limitBroken(rule: RiskRule, limit: LimitValue<unknown>): RiskCheck {
  return fail(
    rule,
    `The ${riskLimitLabels[limit.field]} setting is unusable: ${limit.problem} Orders are refused until it is fixed in Settings.`,
    { setting: limit.field },
  );
}

function textOf(x: unknown): string {
  if (x instanceof Decimal) return x.toString();
  if (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return String(x);
  return x === null ? 'null' : x === undefined ? 'missing' : typeof x;
}

function priceDecimalsOf(rules: MarketRules): number {
  const p = rules.priceDecimals;
  return Number.isInteger(p) && p >= 0 && p <= 12 ? p : 8;
}

function isAmount(x: unknown): x is Decimal {
  return x instanceof Decimal && !x.isNegative();
}

function amountMissing(rule: RiskRule, ctx: RiskContext, d: Derived, what: string): RiskCheck | null {
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

function positionMissing(rule: RiskRule, ctx: RiskContext, d: Derived): RiskCheck | null {
  if (d.position === null)
    return fail(
      rule,
      `The ${d.base} position is ${textOf(ctx.positionAmount)}: a spot position is a decimal of at least zero, so the position record needs fixing.`,
      {},
    );
  return amountMissing(rule, ctx, d, 'the position after this order');
}

// ---------------------------------------------------------------------------------------------------
// The rules.

function checkHalted(ctx: RiskContext, L: GateLimits): RiskCheck {
  const h = ctx.halt;
  if (h === null) {
    if (L.breakerProblem !== null) return limitBroken('halted', L.breakerProblem);
    return pass('halted', 'Trading is armed: no circuit breaker or kill switch has halted it.', {});
  }
  if (typeof h === 'object' && typeof h.reason === 'string' && h.reason.trim() !== '')
    return fail('halted', `Trading is halted: ${h.reason.trim().replace(/[.\s]+$/, '')}.`, {
      reason: h.reason,
    });
  return fail('halted', 'The halt state is missing or unreadable, so trading is treated as halted.', {});
}

interface RulesText {
  tick: string;
  step: string;
  minAmount: string;
  minNotional: string;
  /** The values the texts were made from: rules edited in place are noticed. */
  from: [Decimal, Decimal, Decimal | null, Decimal | null];
}

/** Market rules rarely change: their texts are made once per rules object. */
const rulesTexts = new WeakMap<MarketRules, RulesText>();

function rulesText(r: MarketRules): RulesText {
  let t = rulesTexts.get(r);
  if (
    t === undefined ||
    t.from[0] !== r.tick ||
    t.from[1] !== r.step ||
    t.from[2] !== r.minAmount ||
    t.from[3] !== r.minNotional
  ) {
    t = {
      tick: r.tick.toString(),
      step: r.step.toString(),
      minAmount: r.minAmount === null ? 'none' : r.minAmount.toString(),
      minNotional: r.minNotional === null ? 'none' : r.minNotional.toString(),
      from: [r.tick, r.step, r.minAmount, r.minNotional],
    };
    rulesTexts.set(r, t);
  }
  return t;
}

function checkMarket(ctx: RiskContext, d: Derived): RiskCheck {
  const o = ctx.order;
  const r = ctx.rules;
  const rule = 'market-limits';
  if (
    !(r.tick instanceof Decimal && r.tick.isPositive()) ||
    !(r.step instanceof Decimal && r.step.isPositive()) ||
    !(r.minAmount === null || isAmount(r.minAmount)) ||
    !(r.minNotional === null || isAmount(r.minNotional)) ||
    !isAmount(r.maker) ||
    !isAmount(r.taker)
  )
    return fail(
      rule,
      `The market rules of ${textOf(r.symbol)} are unreadable (tick ${textOf(r.tick)}, lot ${textOf(r.step)}, fees ${textOf(r.maker)} and ${textOf(r.taker)}): reload the markets.`,
      {},
    );
  if (o.symbol !== r.symbol)
    return fail(rule, `The order is for ${textOf(o.symbol)} but the market rules are for ${r.symbol}.`, {});
  if (!orderTypes.has(o.type)) return fail(rule, `"${textOf(o.type)}" is not an order type Lyra knows.`, {});
  if (d.side === null) return fail(rule, `The side is "${textOf(o.side)}"; it must be buy or sell.`, {});
  if (!(o.amount instanceof Decimal))
    return fail(rule, `The amount is ${textOf(o.amount)}, not a number.`, {});
  if (typeof o.reduceOnly !== 'boolean')
    return fail(rule, `The reduce-only flag is ${textOf(o.reduceOnly)}, not yes or no.`, {});
  const hasLimit = limitTypes.has(o.type);
  if (hasLimit ? !(o.price instanceof Decimal) : o.price !== null)
    return fail(
      rule,
      hasLimit
        ? `A ${o.type} order needs a limit price; it is ${textOf(o.price)}.`
        : `A ${o.type} order takes no limit price; remove ${textOf(o.price)}.`,
      {},
    );
  const stop = o.stopPrice;
  if (stopRequiredTypes.has(o.type) && !(stop instanceof Decimal))
    return fail(rule, `A ${o.type} order needs a trigger price; it is ${textOf(stop)}.`, {});
  if (o.type === 'trailing-stop' && !(stop === null || stop instanceof Decimal))
    return fail(rule, `The trailing stop's current stop is ${textOf(stop)}, not a price.`, {});
  if ((o.type === 'market' || o.type === 'limit') && stop !== null)
    return fail(rule, `A ${o.type} order takes no trigger price; remove ${textOf(stop)}.`, {});
  const priceForRules = hasLimit ? o.price : o.refPrice instanceof Decimal ? o.refPrice : null;
  const violations = checkMarketRules(r, o.amount, priceForRules, stop, hasLimit);
  if (violations.length > 0) {
    const details: Record<string, string | number> = { violations: violations.length };
    let message = violations[0]!.message;
    for (let i = 0; i < violations.length; i++) {
      const v = violations[i]!;
      details[`${v.field} ${v.code}`] = v.message;
      if (i > 0) message += ' ' + v.message;
    }
    return fail(rule, message, details);
  }
  const at = hasLimit ? ` at ${groupDigits(o.price!.toString())} ${d.quote}` : '';
  const t = rulesText(r);
  return pass(
    rule,
    `Amount ${d.amountText} ${d.base}${at} fits the market's tick (${t.tick} ${d.quote}), lot (${t.step} ${d.base}) and minimums.`,
    { tick: t.tick, step: t.step, minAmount: t.minAmount, minNotional: t.minNotional },
  );
}

function checkStale(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'stale-data';
  const symbol = textOf(ctx.order.symbol);
  const now = ctx.now;
  if (!Number.isFinite(now))
    return fail(rule, `The current time is ${textOf(now)}, so the age of the market data is unknown.`, {});
  const m = ctx.mark;
  if (m === null || typeof m !== 'object')
    return fail(
      rule,
      `There is no market price for ${symbol} yet: wait for the feed before placing orders.`,
      {},
    );
  if (d.markDec === null)
    return fail(
      rule,
      `The mark price of ${symbol} is ${textOf(m.price)}, not above zero: wait for a valid price.`,
      {},
    );
  if (!Number.isFinite(m.time))
    return fail(rule, `The time of the mark price is ${textOf(m.time)}, so its age is unknown.`, {});
  const limit = L.staleMs.value;
  if (limit === null) return limitBroken(rule, L.staleMs);
  const age = now - m.time;
  const details = { ageMs: age, limitMs: limit };
  if (age > limit)
    return fail(
      rule,
      `Market data for ${symbol} is ${formatDuration(age, 'ceil')} old, older than the ${formatDuration(limit)} limit: wait for the feed to catch up.`,
      details,
    );
  if (age < -limit)
    return fail(
      rule,
      `Market data for ${symbol} is stamped ${formatDuration(-age, 'ceil')} in the future: check the computer's clock.`,
      details,
    );
  return pass(
    rule,
    `Market data for ${symbol} is ${formatDuration(age < 0 ? 0 : age, 'floor')} old, within the ${formatDuration(limit)} limit.`,
    details,
  );
}

function bandPart(label: string, p: Decimal, d: Derived, over: boolean): string {
  const text = p.toString();
  const pct = (Math.abs(Number(text) - d.markPrice) / d.markPrice) * 100;
  const dir = p.gt(d.markDec!) ? 'above' : p.lt(d.markDec!) ? 'below' : 'at';
  const where =
    dir === 'at' ? 'at the mark' : `${formatNumber(pct, 2, over ? 'ceil' : 'floor')} % ${dir} the mark`;
  return `${label} price ${groupDigits(text)} ${d.quote} is ${where}`;
}

function checkBand(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'price-band';
  const o = ctx.order;
  const limit = limitTypes.has(o.type) ? o.price : null;
  const stop = o.stopPrice;
  // A rule's own setting is checked first: an unusable one refuses even orders the rule would exempt.
  const band = L.band.value;
  if (band === null) return limitBroken(rule, L.band);
  if (limit === null && stop === null)
    return pass(rule, `A ${o.type} order has no limit or trigger price to keep near the mark.`, {});
  if (limit !== null && !(limit instanceof Decimal && limit.isPositive()))
    return fail(rule, `The limit price is ${textOf(limit)}, not above zero.`, {});
  if (stop !== null && !(stop instanceof Decimal && stop.isPositive()))
    return fail(rule, `The trigger price is ${textOf(stop)}, not above zero.`, {});
  const mark = d.markDec;
  if (mark === null)
    return fail(
      rule,
      `There is no valid mark price of ${textOf(o.symbol)} to compare the price with: wait for the feed.`,
      {},
    );
  const bound = band.mul(mark);
  const limitOver = limit !== null && limit.sub(mark).abs().mul(HUNDRED).gt(bound);
  const stopOver = stop !== null && stop.sub(mark).abs().mul(HUNDRED).gt(bound);
  const markText = formatNumber(d.markPrice, priceDecimalsOf(ctx.rules));
  const details: Record<string, string | number> = { mark: d.markPrice, bandPct: L.band.raw };
  if (limitOver || stopOver) {
    let parts = '';
    if (limitOver) parts = bandPart('Limit', limit, d, true);
    if (stopOver) parts += (parts ? '; ' : '') + bandPart('Trigger', stop, d, true);
    return fail(
      rule,
      `${parts} ${markText} ${d.quote}, beyond the ${L.band.text} % band: check the price.`,
      details,
    );
  }
  let parts = '';
  if (limit !== null) parts = bandPart('Limit', limit, d, false);
  if (stop !== null) parts += (parts ? '; ' : '') + bandPart('Trigger', stop, d, false);
  return pass(rule, `${parts} ${markText} ${d.quote}, within the ${L.band.text} % band.`, details);
}

function checkOrderNotional(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'order-notional';
  const missing = amountMissing(rule, ctx, d, 'the order value');
  if (missing) return missing;
  const ref = ctx.order.refPrice;
  if (!(ref instanceof Decimal && ref.isPositive()))
    return fail(rule, `The order's price is ${textOf(ref)}, not above zero, so its value is unknown.`, {});
  const limit = L.orderNotional.value;
  if (limit === null) return limitBroken(rule, L.orderNotional);
  const notional = d.amount!.mul(ref);
  const details = { notional: notional.toString(), limit: L.orderNotional.raw };
  if (notional.gt(limit)) {
    let hint = '';
    try {
      const most = limit.div(ref, 12, 'floor').roundToStep(ctx.rules.step, 'floor');
      if (most.isPositive()) hint = `: lower the amount to at most ${groupDigits(most.toString())} ${d.base}`;
    } catch {
      // No usable lot: the message stays without the hint.
    }
    return fail(
      rule,
      `Order value ${formatValue(notional, 'ceil')} ${d.quote} is over the limit of ${L.orderNotional.text} ${d.quote}${hint}.`,
      details,
    );
  }
  return pass(
    rule,
    `Order value ${formatValue(notional, 'floor')} ${d.quote} is within the ${L.orderNotional.text} ${d.quote} limit.`,
    details,
  );
}

function checkPosition(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'position';
  const limit = L.position.value;
  if (limit === null) return limitBroken(rule, L.position);
  const missing = positionMissing(rule, ctx, d);
  if (missing) return missing;
  if (ctx.order.reduceOnly === true)
    return pass(rule, `A reduce-only order cannot add to the ${d.base} position.`, {});
  const after = d.after!;
  const details: Record<string, string | number> = {
    before: d.positionStr,
    after: d.afterStr,
  };
  if (d.reducing)
    return pass(
      rule,
      `Selling ${d.amountText} ${d.base} lowers the position from ${d.positionText} to ${d.afterText} ${d.base}: always allowed.`,
      details,
    );
  if (d.markDec === null)
    return fail(
      rule,
      `There is no valid mark price to value the ${d.base} position at: wait for the feed.`,
      details,
    );
  const value = after.abs().mul(d.markDec);
  details.value = value.toString();
  details.limit = L.position.raw;
  if (value.gt(limit))
    return fail(
      rule,
      `The position after this order would be ${d.afterText} ${d.base}, worth ${formatValue(value, 'ceil')} ${d.quote} at the mark, over the ${L.position.text} ${d.quote} limit per symbol.`,
      details,
    );
  return pass(
    rule,
    `The position after this order would be ${d.afterText} ${d.base}, worth ${formatValue(value, 'floor')} ${d.quote} at the mark, within the ${L.position.text} ${d.quote} limit per symbol.`,
    details,
  );
}

function checkGross(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'gross-exposure';
  const limit = L.gross.value;
  if (limit === null) return limitBroken(rule, L.gross);
  const other = ctx.otherExposure;
  if (!(Number.isFinite(other) && other >= 0))
    return fail(
      rule,
      `The exposure in other symbols is ${textOf(other)}, not a number of at least zero.`,
      {},
    );
  const missing = positionMissing(rule, ctx, d);
  if (missing) return missing;
  if (ctx.order.reduceOnly === true || d.reducing)
    return pass(rule, `This order lowers the exposure in ${textOf(ctx.order.symbol)}: always allowed.`, {
      other,
    });
  if (d.markDec === null)
    return fail(
      rule,
      `There is no valid mark price to value the ${d.base} position at: wait for the feed.`,
      {},
    );
  const own = Math.abs(d.after!.toNumber()) * d.markPrice;
  const total = own + other;
  const details = { total, symbol: own, other, limit: L.gross.raw };
  const over = total > limit;
  const r = over ? 'ceil' : 'floor';
  const text = `Total exposure after this order would be ${formatValue(total, r)} ${d.quote} (${textOf(ctx.order.symbol)} ${formatValue(own)} plus other symbols ${formatValue(other)})`;
  if (over) return fail(rule, `${text}, over the ${L.gross.text} ${d.quote} limit.`, details);
  return pass(rule, `${text}, within the ${L.gross.text} ${d.quote} limit.`, details);
}

function checkOpenOrders(ctx: RiskContext, L: GateLimits): RiskCheck {
  const rule = 'open-orders';
  const n = ctx.openOrders;
  if (!(Number.isInteger(n) && n >= 0))
    return fail(rule, `The count of open orders is ${textOf(n)}, not a whole number of at least zero.`, {});
  const max = L.openOrders.value;
  if (max === null) return limitBroken(rule, L.openOrders);
  const details = { open: n, limit: max };
  if (n + 1 > max)
    return fail(
      rule,
      `${groupDigits(String(n))} orders are open and the limit is ${L.openOrders.text}: cancel one before placing another.`,
      details,
    );
  return pass(
    rule,
    `This would be open order ${groupDigits(String(n + 1))} of at most ${L.openOrders.text}.`,
    details,
  );
}

function checkDailyLoss(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
  const rule = 'daily-loss';
  const pnl = ctx.dayPnl;
  if (!Number.isFinite(pnl)) return fail(rule, `Today's P&L is ${textOf(pnl)}, not a number.`, {});
  const limit = L.dailyLoss.value;
  if (limit === null) return limitBroken(rule, L.dailyLoss);
  const details = { dayPnl: pnl, limit: L.dailyLoss.raw };
  if (pnl > -limit) {
    const shown = pnl >= 0 ? `+${formatValue(pnl)}` : `-${formatValue(-pnl, 'floor')}`;
    return pass(
      rule,
      `Today's P&L is ${shown} ${d.quote}, within the ${L.dailyLoss.text} ${d.quote} daily loss limit.`,
      details,
    );
  }
  const reached = `Today's loss of ${formatValue(-pnl, 'ceil')} ${d.quote} has reached the ${L.dailyLoss.text} ${d.quote} daily limit`;
  const missing = positionMissing(rule, ctx, d);
  if (missing) return missing;
  if (ctx.order.reduceOnly === true || d.reducing)
    return pass(rule, `${reached}, but this order lowers a position: allowed.`, details);
  return fail(rule, `${reached}: until 00:00 UTC only orders that lower a position are allowed.`, details);
}

function checkBalance(ctx: RiskContext, d: Derived): RiskCheck {
  const rule = 'balance';
  const fb = ctx.freeBase;
  const fq = ctx.freeQuote;
  if (!isAmount(fb))
    return fail(
      rule,
      `The free ${d.base} balance is ${textOf(fb)}, not at least zero: refresh the balances.`,
      {},
    );
  if (!isAmount(fq))
    return fail(
      rule,
      `The free ${d.quote} balance is ${textOf(fq)}, not at least zero: refresh the balances.`,
      {},
    );
  const missing = amountMissing(rule, ctx, d, 'the balance needed');
  if (missing) return missing;
  const amount = d.amount!;
  const amountText = d.amountText;
  if (d.side === 'sell') {
    const details = { needBase: d.amountStr, freeBase: fb.toString() };
    if (amount.gt(fb))
      return fail(
        rule,
        `Selling ${amountText} ${d.base} needs ${amountText} ${d.base} free, but only ${groupDigits(fb.toString())} ${d.base} is free; a spot account cannot sell more than it holds.`,
        details,
      );
    return pass(
      rule,
      `Selling ${amountText} ${d.base}; ${groupDigits(fb.toString())} ${d.base} is free.`,
      details,
    );
  }
  const ref = ctx.order.refPrice;
  if (!(ref instanceof Decimal && ref.isPositive()))
    return fail(rule, `The order's price is ${textOf(ref)}, not above zero, so the cost is unknown.`, {});
  const taker = ctx.rules.taker;
  if (!isAmount(taker))
    return fail(
      rule,
      `The market's taker fee is ${textOf(taker)}, not a rate of at least zero: reload the markets.`,
      {},
    );
  const cost = amount.mul(ref);
  const fee = cost.mul(taker);
  const need = cost.add(fee);
  const details = {
    needQuote: need.toString(),
    cost: cost.toString(),
    fee: fee.toString(),
    freeQuote: fq.toString(),
  };
  if (need.gt(fq))
    return fail(
      rule,
      `Buying ${amountText} ${d.base} needs ${formatValue(need, 'ceil')} ${d.quote} (${formatValue(cost, 'ceil')} plus a ${formatValue(fee, 'ceil')} taker fee), but only ${formatValue(fq, 'floor')} ${d.quote} is free.`,
      details,
    );
  return pass(
    rule,
    `Buying ${amountText} ${d.base} needs ${formatValue(need, 'floor')} ${d.quote} with the taker fee; ${formatValue(fq, 'ceil')} ${d.quote} is free.`,
    details,
  );
}

function checkReduceOnly(ctx: RiskContext, d: Derived): RiskCheck {
  const rule = 'reduce-only';
  const ro = ctx.order.reduceOnly;
  if (ro === false) return pass(rule, 'Not a reduce-only order.', {});
  if (ro !== true) return fail(rule, `The reduce-only flag is ${textOf(ro)}, not yes or no.`, {});
  const missing = positionMissing(rule, ctx, d);
  if (missing) return missing;
  const amountText = d.amountText;
  const held = d.positionText;
  const details = { amount: d.amountStr, held: d.positionStr };
  if (d.side === 'buy')
    return fail(
      rule,
      `A reduce-only buy of ${amountText} ${d.base} would add to the position: in a spot account a reduce-only order must be a sell.`,
      details,
    );
  if (d.position!.isZero())
    return fail(
      rule,
      `Reduce-only sell of ${amountText} ${d.base}, but no ${d.base} is held to reduce.`,
      details,
    );
  if (!d.reducing)
    return fail(
      rule,
      `Reduce-only sell of ${amountText} ${d.base} is more than the ${held} ${d.base} held: lower it to at most ${held} ${d.base}.`,
      details,
    );
  return pass(
    rule,
    `Reduce-only sell of ${amountText} ${d.base} is within the ${held} ${d.base} held.`,
    details,
  );
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
