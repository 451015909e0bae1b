import type { Lot } from './lot-book.js';

/** -1 when lot a has the higher unit cost base: compared exactly, by cross-multiplying the ratios. */
function higherUnitCostFirst(a: Lot, b: Lot): number {
  return b.basisCost.mul(a.basisQty).cmp(a.basisCost.mul(b.basisQty));
}

/**
 * The open lots in the order a sale consumes them. `lots` is in acquisition order (date, then file
 * order within a day), which is also every tie-break: FIFO takes it as is, LIFO reversed, HIFO the
 * highest unit cost base (buy fee included) first and the oldest among equals.
 */
export function consumptionOrder(lots: readonly Lot[], method: 'FIFO' | 'LIFO' | 'HIFO'): Lot[] {
  if (method === 'FIFO') return lots.slice();
  if (method === 'LIFO') return lots.slice().reverse();
  // Array.prototype.sort is stable, so equal unit costs keep acquisition order.
  return lots.slice().sort(higherUnitCostFirst);
}
