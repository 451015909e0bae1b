import { Decimal } from '../../money/decimal.js';
import type { OrderRecord } from '../types.js';
import { parseStrategyOrderId } from './strategy-order-id.js';

/** What one of the run's orders did, in the order the run sent them. */
export interface RunOrderFill {
  id: string;
  /** Open time of the bar whose close decided it. */
  barTime: number;
  /** Its number among that bar's orders. */
  seq: number;
  side: 'buy' | 'sell';
  filled: Decimal;
  /** Sum of price x amount over its fills, in the quote currency. */
  cost: Decimal;
  fee: Decimal;
}

/** The position a run holds from its own fills only, with the entry the exit rules measure against. */
export interface RunPosition {
  position: Decimal;
  /** Average fill price of the open position (adds averaged in, sells leave it), NaN when flat. */
  entryPrice: number;
  /** Bar time of the order that opened it, null when flat. */
  entryBarTime: number | null;
}

/**
 * The run's position from its orders' fills: buys add, sells reduce, and the entry price is the average
 * fill price of the buys since the position was last flat, as the backtest account keeps it. Exact
 * decimals, so a hundred fills of 0.001 make exactly 0.1.
 */
export function runPosition(fills: readonly RunOrderFill[]): RunPosition {
  let position = Decimal.ZERO;
  let entryPrice = NaN;
  let entryBarTime: number | null = null;
  for (const f of fills) {
    if (!f.filled.isPositive()) continue;
    const price = f.cost.toNumber() / f.filled.toNumber();
    if (f.side === 'buy') {
      if (!position.isPositive()) {
        entryPrice = price;
        entryBarTime = f.barTime;
      } else {
        const held = position.toNumber();
        const added = f.filled.toNumber();
        entryPrice = (held * entryPrice + added * price) / (held + added);
      }
      position = position.add(f.filled);
    } else {
      position = position.sub(f.filled);
      if (!position.isPositive()) {
        position = Decimal.ZERO;
        entryPrice = NaN;
        entryBarTime = null;
      }
    }
  }
  return { position, entryPrice, entryBarTime };
}

/** An order record as one of the run's fills; bar and number come from the order's client id. */
export function fillOfOrder(order: OrderRecord, at: { barTime: number; seq: number }): RunOrderFill {
  return {
    id: order.id,
    barTime: at.barTime,
    seq: at.seq,
    side: order.side,
    filled: Decimal.from(order.filled),
    cost: Decimal.from(order.cost),
    fee: Decimal.from(order.fee),
  };
}

/** The run's orders that exist, as fills, in the order given (ids the trading engine never stored are skipped). */
export function runFills(records: ReadonlyArray<OrderRecord | undefined>): RunOrderFill[] {
  return records.flatMap((o) => {
    const at = o ? parseStrategyOrderId(o.id) : null;
    return o && at ? [fillOfOrder(o, at)] : [];
  });
}
