import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { TapeTrade } from '../../market/trade-tape.js';
import type { Side, TimeInForce } from '../types.js';

/**
 * Paper fills against the live public book and tape. The public book does not contain our order, so the
 * matcher has to be pessimistic where a naive simulator would be generous: takers pay each level's own
 * price and never more size than the level shows; makers wait behind the volume that was at their price
 * when they arrived and fill only when the tape shows trades reaching them. Book prices and sizes are
 * float64 (they only estimate the market); everything the account is credited with is an exact Decimal.
 */

/** The two sides of a book view, interleaved [price, size, ...], best first. */
export interface BookSides {
  bids: Float64Array;
  asks: Float64Array;
}

/** An order reaching the matcher. `limit` null is a market order. */
export interface ArrivingOrder {
  side: Side;
  limit: Decimal | null;
  remaining: Decimal;
  tif: TimeInForce;
  postOnly: boolean;
}

export interface PaperFill<L extends 'maker' | 'taker' = 'maker' | 'taker'> {
  price: Decimal;
  amount: Decimal;
  liquidity: L;
}

/**
 * What happened on arrival. `filled + rest + expired` always equals the order's `remaining`; a rejected
 * order fills nothing and counts its whole amount as expired, so the sum still holds.
 */
export interface ArrivalResult {
  fills: Array<PaperFill<'taker'>>;
  rest: Decimal;
  expired: Decimal;
  rejected: string | null;
  /** Volume ahead of the resting remainder at its price; null when nothing rests. */
  queueAhead: Decimal | null;
}

/** A limit order resting in the paper book. */
export interface RestingOrder {
  side: Side;
  limit: Decimal;
  remaining: Decimal;
  queueAhead: Decimal;
}

export interface RestingResult {
  fill: PaperFill<'maker'> | null;
  queueAhead: Decimal;
}

export interface FillEstimate {
  filled: Decimal;
  avgPrice: Decimal | null;
  worstPrice: Decimal | null;
  /** Sum of price × amount over the levels taken, exact, fees excluded. */
  cost: Decimal;
  levels: number;
  /** How much worse the average is than the best price, in basis points (0 when nothing fills). */
  slippageBps: number;
}

/**
 * A market order stops walking at levels more than this fraction (10 %) away from the best price on
 * arrival; the rest expires. A thin or broken book must not turn a market order into a fill at any
 * price, and exchanges apply similar price bands. A level exactly at the band still fills.
 */
export const marketSlippageCap = Decimal.from('0.1');

/** Decimals of the average price shown by the preview; it is an estimate, rounded half-even. */
const avgPriceDecimals = 12;

interface Walk {
  fills: Array<{ price: Decimal; amount: Decimal }>;
  filled: Decimal;
  /** Best price on the walked side (first level with size), null for an empty side. */
  best: Decimal | null;
}

/**
 * The one walk every taker path uses: level by level from the best, each fill at the level's own price,
 * floored to the lot, stopping at the limit (or, for market orders, at the slippage cap) or when the
 * remaining amount is below one lot.
 */
function walkBook(
  levels: Float64Array,
  side: Side,
  amount: Decimal,
  limit: Decimal | null,
  step: Decimal,
): Walk {
  const buy = side === 'buy';
  const fills: Walk['fills'] = [];
  let remaining = amount;
  let filled = Decimal.ZERO;
  let best: Decimal | null = null;
  let bound = limit;
  for (let i = 0; i + 1 < levels.length; i += 2) {
    if (best !== null && remaining.lt(step)) break;
    const size = levels[i + 1] as number;
    if (!(size > 0)) continue;
    const price = Decimal.from(levels[i] as number);
    if (best === null) {
      best = price;
      if (bound === null) {
        const band = price.mul(marketSlippageCap);
        bound = buy ? price.add(band) : price.sub(band);
      }
    }
    if (buy ? price.gt(bound as Decimal) : price.lt(bound as Decimal)) break;
    const available = Decimal.from(size);
    const take = (available.lt(remaining) ? available : remaining).roundToStep(step, 'floor');
    if (take.isZero()) continue;
    fills.push({ price, amount: take });
    filled = filled.add(take);
    remaining = remaining.sub(take);
  }
  return { fills, filled, best };
}

/** Price of the first level with size, null for an empty side. */
function bestOf(levels: Float64Array): Decimal | null {
  for (let i = 0; i + 1 < levels.length; i += 2)
    if ((levels[i + 1] as number) > 0) return Decimal.from(levels[i] as number);
  return null;
}

/** Size shown on `levels` at exactly `price`, and whether the view reaches past that price. */
function sizeAt(
  levels: Float64Array,
  side: Side,
  price: Decimal,
): { size: Decimal | null; reachesPast: boolean } {
  for (let i = 0; i + 1 < levels.length; i += 2) {
    if (!((levels[i + 1] as number) > 0)) continue;
    const c = Decimal.from(levels[i] as number).cmp(price);
    if (c === 0) return { size: Decimal.from(levels[i + 1] as number), reachesPast: true };
    // Bids run high to low, asks low to high: once a level is worse than ours, ours is not there.
    if (side === 'buy' ? c < 0 : c > 0) return { size: null, reachesPast: true };
  }
  return { size: null, reachesPast: false };
}

function positive(value: Decimal, what: string): void {
  if (!value.isPositive()) throw new Error(`${what} must be above zero, got ${value.toString()}`);
}

function opposite(book: BookSides, side: Side): Float64Array {
  return side === 'buy' ? book.asks : book.bids;
}

function own(book: BookSides, side: Side): Float64Array {
  return side === 'buy' ? book.bids : book.asks;
}

function rejection(order: ArrivingOrder, reason: string): ArrivalResult {
  return { fills: [], rest: Decimal.ZERO, expired: order.remaining, rejected: reason, queueAhead: null };
}

/** Fills an order as it reaches the matcher: takes what the book allows now, rests or expires the rest. */
export function matchOnArrival(order: ArrivingOrder, book: BookSides, rules: MarketRules): ArrivalResult {
  positive(order.remaining, 'Order amount');
  if (order.limit !== null) positive(order.limit, 'Limit price');
  const { side, limit } = order;
  const against = opposite(book, side);
  const bestName = side === 'buy' ? 'best ask' : 'best bid';

  if (order.postOnly) {
    if (limit === null) return rejection(order, 'post-only needs a limit price; a market order always takes');
    const top = bestOf(against);
    if (top !== null && (side === 'buy' ? top.lte(limit) : top.gte(limit)))
      return rejection(
        order,
        `post-only order would take liquidity: ${bestName} ${top} is at or ${side === 'buy' ? 'below' : 'above'} your limit ${limit}`,
      );
  }

  const walk = walkBook(against, side, order.remaining, limit, rules.step);
  const left = order.remaining.sub(walk.filled);

  if (order.tif === 'FOK' && left.isPositive()) {
    const where =
      limit !== null
        ? `at or better than ${limit}`
        : walk.best === null
          ? 'in an empty book'
          : `within ${marketSlippageCap.mul(100)} % of the ${bestName} ${walk.best}`;
    return rejection(order, `FOK: only ${walk.filled} of ${order.remaining} available ${where}`);
  }

  const fills = walk.fills.map((f) => ({ price: f.price, amount: f.amount, liquidity: 'taker' as const }));
  if (limit === null || order.tif !== 'GTC' || left.isZero())
    return { fills, rest: Decimal.ZERO, expired: left, rejected: null, queueAhead: null };

  const queue = sizeAt(own(book, side), side, limit).size ?? Decimal.ZERO;
  return { fills, rest: left, expired: Decimal.ZERO, rejected: null, queueAhead: queue };
}

function checkResting(resting: RestingOrder): void {
  positive(resting.remaining, 'Resting amount');
  positive(resting.limit, 'Limit price');
  if (resting.queueAhead.isNegative())
    throw new Error(`Queue ahead cannot be negative: ${resting.queueAhead}`);
}

function makerFill(resting: RestingOrder, available: Decimal, rules: MarketRules): PaperFill<'maker'> | null {
  const amount = Decimal.min(resting.remaining, available).roundToStep(rules.step, 'floor');
  return amount.isPositive() ? { price: resting.limit, amount, liquidity: 'maker' } : null;
}

/**
 * A public trade can reach a resting order only from the other side. A trade through our price means our
 * whole level was consumed; a trade at our price first eats the volume queued ahead of us.
 */
export function matchOnTrade(resting: RestingOrder, trade: TapeTrade, rules: MarketRules): RestingResult {
  checkResting(resting);
  const none = { fill: null, queueAhead: resting.queueAhead };
  if (trade.side === resting.side || !(trade.amount > 0)) return none;
  const c = Decimal.from(trade.price).cmp(resting.limit);
  const through = resting.side === 'buy' ? c < 0 : c > 0;
  const amount = Decimal.from(trade.amount);
  if (through) return { fill: makerFill(resting, amount, rules), queueAhead: Decimal.ZERO };
  if (c !== 0) return none;
  const excess = amount.sub(resting.queueAhead);
  if (!excess.isPositive()) return { fill: null, queueAhead: resting.queueAhead.sub(amount) };
  return { fill: makerFill(resting, excess, rules), queueAhead: Decimal.ZERO };
}

/**
 * A new book view can only move a resting order forward: volume at its price that disappeared was
 * cancelled (trades are counted from the tape). If the other side now crosses our price, a real order
 * there would have been hit, so it fills as a maker at its own price.
 */
export function matchOnBook(resting: RestingOrder, book: BookSides, rules: MarketRules): RestingResult {
  checkResting(resting);
  const { side, limit } = resting;
  const at = sizeAt(own(book, side), side, limit);
  // Level gone while the view still reaches our price: nobody is ahead. If our price lies deeper than
  // the view shows, we cannot tell, and keep the queue we had.
  const visible = at.size ?? (at.reachesPast || own(book, side).length < 2 ? Decimal.ZERO : null);
  const queueAhead = visible === null ? resting.queueAhead : Decimal.min(resting.queueAhead, visible);

  const against = opposite(book, side);
  let crossing = Decimal.ZERO;
  for (let i = 0; i + 1 < against.length; i += 2) {
    if (!((against[i + 1] as number) > 0)) continue;
    const price = Decimal.from(against[i] as number);
    if (side === 'buy' ? price.gt(limit) : price.lt(limit)) break;
    crossing = crossing.add(Decimal.from(against[i + 1] as number));
  }
  return { fill: crossing.isPositive() ? makerFill(resting, crossing, rules) : null, queueAhead };
}

/** What a market order of `amount` would get now: the preview shows it before the order is sent. */
export function estimateFill(side: Side, amount: Decimal, book: BookSides, rules: MarketRules): FillEstimate {
  positive(amount, 'Amount');
  const walk = walkBook(opposite(book, side), side, amount, null, rules.step);
  const cost = Decimal.sum(walk.fills.map((f) => f.price.mul(f.amount)));
  const last = walk.fills[walk.fills.length - 1];
  if (!last || walk.best === null)
    return { filled: Decimal.ZERO, avgPrice: null, worstPrice: null, cost, levels: 0, slippageBps: 0 };
  const avgPrice = cost.div(walk.filled, avgPriceDecimals, 'half-even');
  const worse = side === 'buy' ? avgPrice.sub(walk.best) : walk.best.sub(avgPrice);
  return {
    filled: walk.filled,
    avgPrice,
    worstPrice: last.price,
    cost,
    levels: walk.fills.length,
    slippageBps: (worse.toNumber() / walk.best.toNumber()) * 10_000,
  };
}
