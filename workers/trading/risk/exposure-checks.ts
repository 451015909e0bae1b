import { Decimal } from '../../money/decimal.js';
import { formatValue, groupDigits } from './format.js';
import {
  amountMissing,
  fail,
  limitBroken,
  pass,
  positionMissing,
  textOf,
  type Derived,
} from './gate-context.js';
import type { GateLimits } from './gate-limits.js';
import type { RiskCheck, RiskContext } from './risk-gate.js';

// The exposure rules: order-notional, position and gross-exposure.

export function checkOrderNotional(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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

export function checkPosition(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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

export function checkGross(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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
