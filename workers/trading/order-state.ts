import type { OrderStatus } from './types.js';

/**
 * The order lifecycle as an explicit state machine. Every status change in the trading engine goes
 * through `transition`, so an illegal move (a filled order re-opening, a cancel after a fill) is a bug
 * that fails loudly instead of a silent wrong balance.
 */
const allowed: Readonly<Record<OrderStatus, ReadonlySet<OrderStatus>>> = {
  'pending-new': new Set(['open', 'partially-filled', 'filled', 'rejected', 'cancelled', 'expired']),
  open: new Set(['partially-filled', 'filled', 'cancelled', 'expired']),
  'partially-filled': new Set(['partially-filled', 'filled', 'cancelled', 'expired']),
  filled: new Set(),
  cancelled: new Set(),
  rejected: new Set(),
  expired: new Set(),
};

export const orderStatuses = Object.keys(allowed) as OrderStatus[];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from]?.has(to) ?? false;
}

export class IllegalTransition extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    readonly orderId: string,
  ) {
    super(`Order ${orderId} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransition';
  }
}

/** Returns the record with its new status, or throws IllegalTransition. */
export function transition<T extends { id: string; status: OrderStatus }>(order: T, to: OrderStatus): T {
  if (!canTransition(order.status, to)) throw new IllegalTransition(order.status, to, order.id);
  return { ...order, status: to };
}

export function isTerminal(status: OrderStatus): boolean {
  return allowed[status].size === 0;
}
