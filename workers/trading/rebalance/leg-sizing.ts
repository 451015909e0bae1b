import type { Decimal } from '../../money/decimal.js';
import { checkMarketRules, snapAmount, type MarketRules } from '../../money/market-rules.js';
import { formatDecimal, formatValue } from '../risk/format.js';

/**
 * Snaps one leg's amount down to the market's lot and checks it against the market's minimums at the
 * planning price, saying in words why a leg cannot be sent. Market orders have no limit price, so the
 * tick does not apply; the price only values the order for the minimum-notional rule.
 */

export type SizedLeg = { ok: true; amount: Decimal } | { ok: false; reason: string };

export function sizeLeg(rules: MarketRules, side: 'buy' | 'sell', wanted: Decimal, price: Decimal): SizedLeg {
  const verb = side === 'buy' ? 'Buying' : 'Selling';
  const { base, quote, symbol } = rules;
  const amount = snapAmount(rules, wanted);
  if (!amount.isPositive()) {
    const shown = formatDecimal(wanted, Math.max(8, rules.amountDecimals + 2), 'floor');
    return {
      ok: false,
      reason: `${verb} ${shown} ${base} (about ${formatValue(wanted.mul(price))} ${quote}) is less than one lot (${rules.step} ${base}) on ${symbol}.`,
    };
  }
  const violations = checkMarketRules(rules, amount, price, null, false);
  const first = violations[0];
  if (!first) return { ok: true, amount };
  const shown = `${verb} ${amount} ${base}`;
  switch (first.code) {
    case 'below-min-amount':
      return { ok: false, reason: `${shown} is below the ${symbol} minimum of ${rules.minAmount} ${base}.` };
    case 'below-min-notional':
      return {
        ok: false,
        reason: `${shown} (about ${formatValue(amount.mul(price))} ${quote}) is below the ${symbol} minimum order of ${rules.minNotional} ${quote}.`,
      };
    default:
      return { ok: false, reason: `${shown} breaks the ${symbol} rules: ${first.message}` };
  }
}
