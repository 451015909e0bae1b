import { Decimal } from '../money/decimal.js';
import type { OrderRecord, Trail } from './types.js';

/**
 * Orders Lyra runs itself rather than the exchange: stops, take-profits and trailing stops wait here
 * for their trigger price, then become a market (or limit) order. Pure functions of the order and the
 * last traded price, so the same rules run for paper and, later, live accounts.
 */

export function isConditional(order: Pick<OrderRecord, 'type'>): boolean {
  return order.type !== 'market' && order.type !== 'limit';
}

/** Stops protect against moves away (buy above, sell below); take-profits catch moves toward a target. */
export function isTriggered(order: Pick<OrderRecord, 'type' | 'side' | 'stopPrice'>, last: Decimal): boolean {
  if (order.stopPrice === null) return false;
  const stop = Decimal.from(order.stopPrice);
  const stopLike =
    order.type === 'stop-market' || order.type === 'stop-limit' || order.type === 'trailing-stop';
  const above = last.gte(stop);
  const below = last.lte(stop);
  if (stopLike) return order.side === 'buy' ? above : below;
  if (order.type === 'take-profit' || order.type === 'take-profit-limit')
    return order.side === 'sell' ? above : below;
  return false;
}

/** The stop a trail implies for a best price seen: below it for a sell, above for a buy, on the tick. */
export function trailStop(
  side: 'buy' | 'sell',
  trail: Pick<Trail, 'kind' | 'value'>,
  extreme: Decimal,
  tick: Decimal,
): Decimal {
  const v = Decimal.from(trail.value);
  const offset = trail.kind === 'percent' ? extreme.mul(v).div(100, 18, 'down') : v;
  return side === 'sell'
    ? extreme.sub(offset).roundToStep(tick, 'floor')
    : extreme.add(offset).roundToStep(tick, 'ceil');
}

/**
 * Follows the price with a trailing stop: the best price seen only ever improves (higher for a sell,
 * lower for a buy), and the stop moves with it, never back. Returns null when nothing changed.
 */
export function followTrail(
  order: Pick<OrderRecord, 'side' | 'trail' | 'stopPrice'>,
  last: Decimal,
  tick: Decimal,
): { trail: Trail; stopPrice: string } | null {
  const trail = order.trail;
  if (!trail) return null;
  const extreme = trail.extreme === null ? null : Decimal.from(trail.extreme);
  const better = extreme === null || (order.side === 'sell' ? last.gt(extreme) : last.lt(extreme));
  if (!better) return null;
  const stop = trailStop(order.side, trail, last, tick);
  return { trail: { ...trail, extreme: last.toString() }, stopPrice: stop.toString() };
}
