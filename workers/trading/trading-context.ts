import type { MarketRules } from '../money/market-rules.js';
import type { HeldBook, MarketAccess, MarketLink } from './market-link.js';
import { defaultLatencyMs } from './paper-account.js';
import type { TradingChanges, TradingStore } from './trading-store.js';
import type { TradingState } from './trading-state.js';
import type { AuditEntry, AuditKind, OrderRecord } from './types.js';

/**
 * What the trading service hands its parts (the paper desk, the algo runner, the risk controls): what
 * this tab knows, the market, and `write`, the one way to change anything, so that every change is stored
 * with its audit entries before memory follows.
 */
export interface TradingContext {
  readonly state: TradingState;
  readonly link: MarketLink;
  readonly market: MarketAccess;
  readonly store: TradingStore;
  now(): number;
  newId(): string;
  write(changes: TradingChanges): Promise<void>;
  entry(
    kind: AuditKind,
    order: Pick<OrderRecord, 'id' | 'symbol'> | null,
    rule: string | null,
    message: string,
    details?: AuditEntry['details'],
  ): AuditEntry;
  notice(level: 'info' | 'warn' | 'error', message: string): void;
  /** Sends the page a fresh snapshot soon (calls within one publish interval are coalesced). */
  publish(): void;
  /** The symbol's book, refreshed over REST when the streamed one is stale; null when none can be had. */
  bookFor(symbol: string): Promise<HeldBook | null>;
  refreshRules(): void;
}

/** What the order factory needs to know of this account. */
export function orderContext(ctx: TradingContext, rules: MarketRules | undefined) {
  return {
    accountId: ctx.state.accountId,
    exchange: ctx.state.exchange,
    now: ctx.now(),
    latencyMs: ctx.state.account?.latencyMs ?? defaultLatencyMs,
    rules,
  };
}
