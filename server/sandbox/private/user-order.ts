/**
 * A user's order as the private API sees it. The matching engine's Order carries the book state
 * while the order rests; this record carries everything Binance reports about it (client id,
 * stop price, exact quote amounts, fills, the order list it belongs to) and outlives the engine's.
 */
import type { MarketSimulator } from '../market-simulator.js';
import type { Order, OrderStatus, Side, StpMode, TimeInForce } from '../order.js';
import type { Account } from './accounts.js';
import type { UserOrderType } from './order-params.js';

export interface UserFill {
  tradeId: number;
  /** Ticks and lots. */
  price: number;
  qty: number;
  /** Quote units (truncated notional). */
  quote: bigint;
  commission: bigint;
  commissionAsset: string;
  time: number;
  isMaker: boolean;
}

/**
 * Funds set aside for one order, or shared by the legs of an OCO list (only one leg can execute,
 * so the list locks the larger of the legs' needs once).
 */
export class FundsLock {
  readonly holders = new Set<UserOrder>();

  constructor(
    readonly account: Account,
    readonly asset: string,
    public units: bigint,
  ) {}
}

export interface OrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: string;
  orders: UserOrder[];
  transactionTime: number;
  done: boolean;
}

export class UserOrder {
  status: OrderStatus = 'NEW';
  /** Lots executed and quote units paid or received (before commission). */
  executedQty = 0;
  cumQuote = 0n;
  updateTime: number;
  /** When the order started working on the book; -1 while a stop order waits for its trigger. */
  workingTime = -1;
  engine: Order | null = null;
  list: OrderList | null = null;
  readonly fills: UserFill[] = [];

  constructor(
    readonly orderId: number,
    readonly clientOrderId: string,
    readonly account: Account,
    readonly sim: MarketSimulator,
    readonly side: Side,
    readonly type: UserOrderType,
    readonly tif: TimeInForce,
    /** Ticks (0 for market orders). */
    readonly price: number,
    /** Lots (0 when sized by quoteOrderQty). */
    readonly qty: number,
    readonly quoteOrderQty: bigint,
    readonly stopPrice: number,
    readonly stp: StpMode,
    readonly time: number,
    readonly lock: FundsLock,
  ) {
    this.updateTime = time;
  }

  get isOpen(): boolean {
    return this.status === 'NEW' || this.status === 'PARTIALLY_FILLED';
  }

  get isWorking(): boolean {
    return this.workingTime >= 0;
  }

  get orderListId(): number {
    return this.list?.orderListId ?? -1;
  }

  get symbol(): string {
    return this.sim.market.id;
  }

  /** Lots still to execute. */
  get leaves(): number {
    if (!this.isOpen) return 0;
    return this.engine !== null ? this.engine.leaves : this.qty - this.executedQty;
  }
}

export interface UserTrade {
  symbol: string;
  id: number;
  order: UserOrder;
  fill: UserFill;
  isBuyer: boolean;
}
