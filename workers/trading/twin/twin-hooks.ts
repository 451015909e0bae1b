import type { OrderRecord, OrderStatus } from '../types.js';

/** What the live desk tells the paper twins: an order going out, and an order that ended. */
export interface TwinHooks {
  start(order: OrderRecord): Promise<void>;
  ended(orderId: string, status: OrderStatus): Promise<void>;
}
