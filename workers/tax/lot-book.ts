import { Decimal } from '../money/decimal.js';
import { perUnit, share } from './apportion.js';
import { consumptionOrder } from './lot-order.js';
import type { Method, TradeId } from './types.js';

/** A parcel of units bought by one trade, and what is left of it. */
export interface Lot {
  name: string;
  buyTrade: TradeId;
  acquired: string;
  qty: Decimal;
  /** qty x price + buy fee. */
  costBase: Decimal;
  remainingQty: Decimal;
  /** The exact part of the cost base not yet matched to a sale. */
  remainingCost: Decimal;
  /**
   * The unit cost base as an exact ratio basisCost / basisQty: the lot's own, or the pool's average once
   * an average-cost sale has pooled it. HIFO orders by it and reports show it, without the rounding a
   * stored unit value would bring (two equal lots must stay equal for the tie-break).
   */
  basisCost: Decimal;
  basisQty: Decimal;
}

/** The units of one lot that one sale takes, and their cost base. */
export interface Piece {
  lot: Lot;
  qty: Decimal;
  costBase: Decimal;
  unitCostBase: Decimal;
}

/**
 * The open lots of one (account, asset), in acquisition order, and the sales against them. Exact
 * throughout: each piece's cost base is a pro-rata share of what is left of its lot (or of the pool),
 * and the last units take the remainder, so nothing is lost or made up by rounding.
 */
export class LotBook {
  private lots: Lot[] = [];
  private bought = false;

  /** True once any lot was bought, to tell a sale before any buy from one of more than is held. */
  get everBought(): boolean {
    return this.bought;
  }

  held(): Decimal {
    return Decimal.sum(this.lots.map((l) => l.remainingQty));
  }

  buy(lot: Lot): void {
    this.lots.push(lot);
    this.bought = true;
  }

  /** Takes `qty` units by `method`; the caller has checked that they are held. */
  sell(qty: Decimal, method: Method): Piece[] {
    if (qty.gt(this.held())) throw new Error('LotBook.sell: more units than are held');
    const pieces = method === 'ACB' ? this.sellAverage(qty) : this.sellInOrder(qty, method);
    this.lots = this.lots.filter((l) => l.remainingQty.isPositive());
    return pieces;
  }

  private sellInOrder(qty: Decimal, method: 'FIFO' | 'LIFO' | 'HIFO'): Piece[] {
    const pieces: Piece[] = [];
    let left = qty;
    for (const lot of consumptionOrder(this.lots, method)) {
      if (left.isZero()) break;
      const take = Decimal.min(left, lot.remainingQty);
      const costBase = share(lot.remainingCost, take, lot.remainingQty);
      lot.remainingQty = lot.remainingQty.sub(take);
      lot.remainingCost = lot.remainingCost.sub(costBase);
      pieces.push({ lot, qty: take, costBase, unitCostBase: perUnit(lot.basisCost, lot.basisQty) });
      left = left.sub(take);
    }
    return pieces;
  }

  /**
   * Average cost: the sale's cost base is its share of the pool (every open unit at the average unit
   * cost base). The discount still depends on when the units disposed of were acquired, which a pool
   * does not say, so the units are taken from the oldest lots first and the sale is split into one
   * match per lot (and so per acquisition date), its cost base shared among them by units. What stays
   * in the pool is re-spread over the remaining lots at the new average, so a later sale under any
   * method sees the averaged cost base.
   */
  private sellAverage(qty: Decimal): Piece[] {
    const poolQty = this.held();
    const poolCost = Decimal.sum(this.lots.map((l) => l.remainingCost));
    const saleCost = share(poolCost, qty, poolQty);
    const unitCostBase = perUnit(poolCost, poolQty);
    const pieces: Piece[] = [];
    let left = qty;
    let costLeft = saleCost;
    for (const lot of this.lots) {
      if (left.isZero()) break;
      const take = Decimal.min(left, lot.remainingQty);
      const costBase = share(costLeft, take, left);
      lot.remainingQty = lot.remainingQty.sub(take);
      pieces.push({ lot, qty: take, costBase, unitCostBase });
      left = left.sub(take);
      costLeft = costLeft.sub(costBase);
    }
    this.respread(poolCost.sub(saleCost), poolQty.sub(qty));
    return pieces;
  }

  /** Gives each remaining lot its share by units of the pool's remaining cost base. */
  private respread(cost: Decimal, units: Decimal): void {
    let costLeft = cost;
    let unitsLeft = units;
    for (const lot of this.lots) {
      if (!lot.remainingQty.isPositive()) {
        lot.remainingCost = Decimal.ZERO;
        continue;
      }
      lot.remainingCost = share(costLeft, lot.remainingQty, unitsLeft);
      lot.basisCost = cost;
      lot.basisQty = units;
      costLeft = costLeft.sub(lot.remainingCost);
      unitsLeft = unitsLeft.sub(lot.remainingQty);
    }
  }
}
