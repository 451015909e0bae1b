import { Decimal } from '../../money/decimal.js';
import { checkMarketRules, type MarketRules } from '../../money/market-rules.js';
import type { OrderType } from '../types.js';
import { formatDuration, formatNumber, groupDigits } from './format.js';
import { fail, isAmount, limitBroken, pass, priceDecimalsOf, textOf, type Derived } from './gate-context.js';
import type { GateLimits } from './gate-limits.js';
import type { RiskCheck, RiskContext } from './risk-gate.js';

// The market and price rules: market-limits, stale-data and price-band.

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

export function checkMarket(ctx: RiskContext, d: Derived): RiskCheck {
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

export function checkStale(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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

export function checkBand(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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
