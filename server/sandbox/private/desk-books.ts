/**
 * The trading desk's indexes: per market, orders by id and by engine order, stops waiting for their
 * trigger and order lists; per account, its orders, client ids and trades. The lookups the private
 * API answers from live here too.
 */
import type { MarketSimulator } from '../market-simulator.js';
import type { Order } from '../order.js';
import type { Account } from './accounts.js';
import { parseAmount } from './money.js';
import type { OrderList, UserOrder, UserTrade } from './user-order.js';

const DEFAULT_FEE = '0.001';

export interface SymbolBook {
  nextOrderId: number;
  readonly byId: Map<number, UserOrder>;
  readonly byEngine: Map<Order, UserOrder>;
  /** Stop orders waiting for their trigger. */
  readonly pending: Set<UserOrder>;
  readonly lists: Map<number, OrderList>;
  readonly makerRate: bigint;
  readonly takerRate: bigint;
}

export interface AccountBook {
  readonly orders: UserOrder[];
  /** "SYMBOL:clientOrderId" -> latest order with that id. */
  readonly byClientId: Map<string, UserOrder>;
  readonly listsByClientId: Map<string, OrderList>;
  readonly trades: UserTrade[];
}

function rate(text: string | undefined): bigint {
  const units = parseAmount(text ?? DEFAULT_FEE);
  if (units === null || units >= 100_000_000n) throw new Error(`invalid fee rate ${text}`);
  return units;
}

export class DeskBooks {
  private readonly books = new Map<MarketSimulator, SymbolBook>();
  private readonly accountBooks = new Map<Account, AccountBook>();

  add(sim: MarketSimulator): void {
    this.books.set(sim, {
      nextOrderId: 1,
      byId: new Map(),
      byEngine: new Map(),
      pending: new Set(),
      lists: new Map(),
      makerRate: rate(sim.market.makerFee),
      takerRate: rate(sim.market.takerFee),
    });
  }

  sims(): IterableIterator<MarketSimulator> {
    return this.books.keys();
  }

  book(sim: MarketSimulator): SymbolBook {
    const book = this.books.get(sim);
    if (book === undefined) throw new Error(`unknown market ${sim.market.id}`);
    return book;
  }

  accountBook(account: Account): AccountBook {
    let book = this.accountBooks.get(account);
    if (book === undefined) {
      book = { orders: [], byClientId: new Map(), listsByClientId: new Map(), trades: [] };
      this.accountBooks.set(account, book);
    }
    return book;
  }

  // ---- queries --------------------------------------------------------------------------------

  findOrder(
    account: Account,
    sim: MarketSimulator,
    orderId?: number,
    clientOrderId?: string,
  ): UserOrder | undefined {
    const found =
      orderId !== undefined
        ? this.book(sim).byId.get(orderId)
        : this.accountBook(account).byClientId.get(`${sim.market.id}:${clientOrderId}`);
    if (found === undefined || found.account !== account) return undefined;
    if (orderId !== undefined && clientOrderId !== undefined && found.clientOrderId !== clientOrderId)
      return undefined;
    return found;
  }

  findList(
    account: Account,
    sim: MarketSimulator,
    orderListId?: number,
    listClientOrderId?: string,
  ): OrderList | undefined {
    const list =
      orderListId !== undefined
        ? this.book(sim).lists.get(orderListId)
        : this.accountBook(account).listsByClientId.get(`${sim.market.id}:${listClientOrderId}`);
    if (list === undefined || list.orders[0]?.account !== account) return undefined;
    return list;
  }

  ordersOf(account: Account): readonly UserOrder[] {
    return this.accountBook(account).orders;
  }

  tradesOf(account: Account): readonly UserTrade[] {
    return this.accountBook(account).trades;
  }
}
