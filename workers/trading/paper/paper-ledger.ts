import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { ClosedTrade, Liquidity, PaperAccount, PositionRecord, Side } from '../types.js';

/**
 * Exact accounting of a paper account. Records stay plain strings at rest; every function reads them as
 * Decimals, returns new records and never mutates its inputs. Fees are charged in the quote asset. A
 * balance that would go negative is a bug in the caller (an order not reserved for, a fill applied
 * twice), so it throws instead of being written.
 */

/** An order as the ledger needs it to hold funds. */
export interface ReserveRequest {
  side: Side;
  amount: Decimal;
  /** Limit price; null for a market order. */
  limit: Decimal | null;
  /**
   * Market buys only: the quote to hold, the estimated cost with its fee (from the fill preview). A
   * market buy has no price to compute it from.
   */
  quoteToReserve?: Decimal;
}

/** Funds held for an open order, in one asset. */
export interface Reservation {
  asset: string;
  amount: Decimal;
}

export type ReserveResult =
  | { ok: true; account: PaperAccount; reservation: Reservation }
  | { ok: false; asset: string; needed: Decimal; available: Decimal; message: string };

/** A fill to book, from the paper matcher plus its identity. */
export interface LedgerFill {
  id: string;
  side: Side;
  price: Decimal;
  amount: Decimal;
  liquidity: Liquidity;
  time: number;
}

export interface FillOutcome {
  account: PaperAccount;
  position: PositionRecord;
  fee: Decimal;
  /** Set when a sell reduced a held position. */
  closed: ClosedTrade | null;
}

/** Decimals of a position's average entry: re-averaging divides, so it must round somewhere (half-even). */
export const avgEntryDecimals = 12;

/** A balance as a Decimal; an asset never seen is zero. */
export function balanceOf(balances: Record<string, string>, asset: string): Decimal {
  const v = balances[asset];
  return v === undefined ? Decimal.ZERO : Decimal.from(v);
}

/** Adds `delta` (negative to take) to one asset; refuses to write a negative balance. */
function adjust(balances: Record<string, string>, asset: string, delta: Decimal, what: string) {
  const next = balanceOf(balances, asset).add(delta);
  if (next.isNegative())
    throw new Error(
      `${what} ${asset} would go negative: ${balanceOf(balances, asset)} ${delta.isNegative() ? '-' : '+'} ${delta.abs()}`,
    );
  return { ...balances, [asset]: next.toString() };
}

/** Exact fee in the quote asset; not rounded, so balances and fees always add up. */
export function feeFor(price: Decimal, amount: Decimal, liquidity: Liquidity, rules: MarketRules): Decimal {
  return price.mul(amount).mul(liquidity === 'maker' ? rules.maker : rules.taker);
}

/**
 * What an order must hold: a limit buy its cost at the limit plus the largest fee it could pay (taker,
 * since part of it may take on arrival); a sell its base amount; a market buy what the caller estimated.
 */
export function reservationFor(req: ReserveRequest, rules: MarketRules): Reservation {
  if (!req.amount.isPositive()) throw new Error(`Order amount must be above zero, got ${req.amount}`);
  if (req.side === 'sell') return { asset: rules.base, amount: req.amount };
  if (req.limit !== null) return { asset: rules.quote, amount: reservedForFill(req, req.amount, rules) };
  if (req.quoteToReserve === undefined || req.quoteToReserve.isNegative())
    throw new Error('A market buy needs the estimated quote to reserve (cost with fee)');
  return { asset: rules.quote, amount: req.quoteToReserve };
}

/**
 * The share of a limit order's reservation that backs `fillAmount` of it. It is linear in the amount, so
 * the shares of all fills plus the share of what is left add up to the reservation exactly: release
 * each fill's share as it is applied and the remainder's share on cancel or expiry.
 * Market buys hold an estimate, not a per-unit amount: release their reservation whole, then apply their
 * fills from the free balance.
 */
export function reservedForFill(req: ReserveRequest, fillAmount: Decimal, rules: MarketRules): Decimal {
  if (req.side === 'sell') return fillAmount;
  if (req.limit === null)
    throw new Error('A market buy has no per-fill reservation: release it whole, then apply its fills');
  return fillAmount.mul(req.limit).mul(Decimal.ONE.add(rules.taker));
}

/** Moves an order's funds from free to reserved, or says exactly what is missing (the risk gate shows it). */
export function reserveFor(account: PaperAccount, req: ReserveRequest, rules: MarketRules): ReserveResult {
  const reservation = reservationFor(req, rules);
  const { asset, amount } = reservation;
  const available = balanceOf(account.balances, asset);
  if (available.lt(amount))
    return {
      ok: false,
      asset,
      needed: amount,
      available,
      message: `Insufficient ${asset}: the order needs ${amount} ${asset}, ${available} ${asset} is free.`,
    };
  return {
    ok: true,
    reservation,
    account: {
      ...account,
      balances: adjust(account.balances, asset, amount.neg(), 'Free'),
      reserved: adjust(account.reserved, asset, amount, 'Reserved'),
    },
  };
}

/** Returns held funds to free (an order cancelled, expired or filled for less than it held). */
export function release(account: PaperAccount, reservation: Reservation): PaperAccount {
  const { asset, amount } = reservation;
  if (amount.isNegative()) throw new Error(`Cannot release a negative amount: ${amount}`);
  return {
    ...account,
    reserved: adjust(account.reserved, asset, amount.neg(), 'Reserved'),
    balances: adjust(account.balances, asset, amount, 'Free'),
  };
}

/**
 * Settles a fill's money: releases `reservedPortion` of what the order held (in the asset it pays with)
 * back to free, then pays cost and fee from free and credits what was bought. A buy pays quote and
 * receives base; a sell pays base and receives quote minus the fee.
 */
export function settleFill(
  account: PaperAccount,
  fill: LedgerFill,
  fee: Decimal,
  rules: MarketRules,
  reservedPortion: Decimal,
): PaperAccount {
  const cost = fill.price.mul(fill.amount);
  const buy = fill.side === 'buy';
  const pays = buy ? rules.quote : rules.base;
  const receives = buy ? rules.base : rules.quote;
  const held = release(account, { asset: pays, amount: reservedPortion });
  const paid = adjust(held.balances, pays, (buy ? cost.add(fee) : fill.amount).neg(), 'Free');
  const balances = adjust(paid, receives, buy ? fill.amount : cost.sub(fee), 'Free');
  return { ...held, balances };
}

/**
 * Average-cost position update. A buy re-averages the entry with its fee included in the cost. A sell
 * reduces what is held at the average entry and realises (price - entry) × amount - fee on the reduced
 * part; base sold beyond the position (held from the start) has no entry and realises nothing.
 */
export function updatePosition(
  position: PositionRecord,
  fill: LedgerFill,
  fee: Decimal,
  rules: MarketRules,
): { position: PositionRecord; closed: ClosedTrade | null } {
  const held = Decimal.from(position.amount);
  const entry = Decimal.from(position.avgEntry);
  if (fill.side === 'buy') {
    const amount = held.add(fill.amount);
    const basis = held.mul(entry).add(fill.price.mul(fill.amount)).add(fee);
    const avgEntry = basis.div(amount, avgEntryDecimals, 'half-even');
    return {
      position: {
        ...position,
        amount: amount.toString(),
        avgEntry: avgEntry.toString(),
        updatedAt: fill.time,
      },
      closed: null,
    };
  }
  const reduced = Decimal.min(held, fill.amount);
  if (!reduced.isPositive()) return { position: { ...position, updatedAt: fill.time }, closed: null };
  // The fee is linear in the amount, so the reduced part's share is exact without dividing.
  const feeShare = reduced.eq(fill.amount) ? fee : feeFor(fill.price, reduced, fill.liquidity, rules);
  const pnl = fill.price.sub(entry).mul(reduced).sub(feeShare);
  const left = held.sub(reduced);
  return {
    position: {
      ...position,
      amount: left.toString(),
      avgEntry: left.isZero() ? '0' : position.avgEntry,
      realizedPnl: Decimal.from(position.realizedPnl).add(pnl).toString(),
      updatedAt: fill.time,
    },
    closed: {
      id: fill.id,
      accountId: position.accountId,
      symbol: position.symbol,
      amount: reduced.toString(),
      entry: entry.toString(),
      exit: fill.price.toString(),
      pnl: pnl.toString(),
      time: fill.time,
    },
  };
}

/** An empty position for a symbol's first fill. */
export function emptyPosition(accountId: string, rules: MarketRules, time: number): PositionRecord {
  return {
    accountId,
    symbol: rules.symbol,
    base: rules.base,
    quote: rules.quote,
    amount: '0',
    avgEntry: '0',
    realizedPnl: '0',
    updatedAt: time,
  };
}

/**
 * Books one fill: its fee, the account's balances and the position (null before the first fill).
 * `reservedPortion` is the part of the order's reservation released by this fill (see reservedForFill;
 * zero for fills paid from free funds).
 */
export function applyFill(
  account: PaperAccount,
  position: PositionRecord | null,
  fill: LedgerFill,
  rules: MarketRules,
  reservedPortion: Decimal,
): FillOutcome {
  if (!fill.amount.isPositive()) throw new Error(`Fill amount must be above zero, got ${fill.amount}`);
  if (!fill.price.isPositive()) throw new Error(`Fill price must be above zero, got ${fill.price}`);
  if (position && position.symbol !== rules.symbol)
    throw new Error(`Position is for ${position.symbol}, the fill for ${rules.symbol}`);
  const fee = feeFor(fill.price, fill.amount, fill.liquidity, rules);
  const next = settleFill(account, fill, fee, rules, reservedPortion);
  const updated = updatePosition(position ?? emptyPosition(account.id, rules, fill.time), fill, fee, rules);
  return { account: next, position: updated.position, fee, closed: updated.closed };
}
