import { Decimal } from '../../money/decimal.js';
import { formatValue, groupDigits } from './format.js';
import {
  amountMissing,
  fail,
  isAmount,
  limitBroken,
  pass,
  positionMissing,
  textOf,
  type Derived,
} from './gate-context.js';
import type { GateLimits } from './gate-limits.js';
import type { RiskCheck, RiskContext } from './risk-gate.js';

// The account rules: halted, open-orders, daily-loss, balance and reduce-only.

export function checkHalted(ctx: RiskContext, L: GateLimits): RiskCheck {
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

export function checkOpenOrders(ctx: RiskContext, L: GateLimits): RiskCheck {
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

export function checkDailyLoss(ctx: RiskContext, d: Derived, L: GateLimits): RiskCheck {
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

export function checkBalance(ctx: RiskContext, d: Derived): RiskCheck {
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

export function checkReduceOnly(ctx: RiskContext, d: Derived): RiskCheck {
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
