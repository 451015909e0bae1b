import type { MarketRules } from '../money/market-rules.js';
import { isSoundOrder } from './order-factory.js';
import { isTerminal } from './order-state.js';
import type { BreakerState } from './risk/breakers.js';
import { defaultRiskLimits, type RiskLimits } from './risk/limits.js';
import type { TradingChanges, TradingLoad } from './trading-store.js';
import type {
  AlgoRecord,
  ClosedTrade,
  FillRecord,
  OrderRecord,
  PaperAccount,
  PositionRecord,
} from './types.js';

export const limitsKey = 'risk-limits';
export const breakerKey = (accountId: string) => `breaker:${accountId}`;

/** How much history and how many fills the page is shown. */
const recentSize = 200;

/**
 * What this tab knows of the account: a copy of what is stored that follows a change only once it is
 * written, so a failed write never leaves memory ahead of storage. Queue positions are the exception:
 * they move on every trade and are kept here until the next tick saves them.
 */
export class TradingState {
  exchange = '';
  accountId = '';
  account: PaperAccount | null = null;
  readonly open = new Map<string, OrderRecord>();
  history: OrderRecord[] = [];
  fills: FillRecord[] = [];
  readonly positions = new Map<string, PositionRecord>();
  readonly algos = new Map<string, AlgoRecord>();
  closedTrades: ClosedTrade[] = [];
  breaker: BreakerState | null = null;
  limits: RiskLimits = { ...defaultRiskLimits };
  readonly rules = new Map<string, MarketRules>();
  private readonly unsaved = new Set<string>();

  /** Replaces the records with what storage holds; a damaged open order is set aside, never matched. */
  load(loaded: TradingLoad, onDamaged: (record: unknown) => void): void {
    this.account = loaded.account ?? null;
    this.open.clear();
    for (const o of loaded.openOrders) {
      if (isSoundOrder(o)) this.open.set(o.id, o);
      else onDamaged(o);
    }
    this.history = loaded.history;
    this.fills = loaded.fills;
    this.positions.clear();
    for (const p of loaded.positions) this.positions.set(p.symbol, p);
    this.algos.clear();
    for (const a of loaded.algos) this.algos.set(a.id, a);
    this.closedTrades = loaded.closedTrades;
  }

  /** Follows a change that has been written. */
  apply(changes: TradingChanges): void {
    if (changes.account) this.account = changes.account;
    for (const o of changes.orders ?? []) {
      this.unsaved.delete(o.id);
      if (isTerminal(o.status)) {
        this.open.delete(o.id);
        this.history = [o, ...this.history.filter((h) => h.id !== o.id)].slice(0, recentSize);
      } else this.open.set(o.id, o);
    }
    if (changes.fills?.length)
      this.fills = [...changes.fills.slice().reverse(), ...this.fills].slice(0, recentSize);
    for (const p of changes.positions ?? []) this.positions.set(p.symbol, p);
    for (const a of changes.algos ?? []) this.algos.set(a.id, a);
    if (changes.closedTrades?.length) this.closedTrades = [...this.closedTrades, ...changes.closedTrades];
    for (const s of changes.state ?? [])
      if (s.key === breakerKey(this.accountId)) this.breaker = s.value as BreakerState;
  }

  /** A change too frequent to write each time (queue position, a trailing stop's trail): saved next tick. */
  keepUnsaved(order: OrderRecord): void {
    this.open.set(order.id, order);
    this.unsaved.add(order.id);
  }

  /** The open orders changed since the last save, forgotten as unsaved. */
  takeUnsaved(): OrderRecord[] {
    if (this.unsaved.size === 0) return [];
    const orders = [...this.unsaved]
      .map((id) => this.open.get(id))
      .filter((o): o is OrderRecord => o !== undefined);
    this.unsaved.clear();
    return orders;
  }
}
