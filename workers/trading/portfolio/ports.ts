import type { OrderPreview, PlaceRequest } from '../api.js';
import type { Mark } from '../market-link.js';
import type { BreakerState } from '../risk/breakers.js';
import type { PaperAccount } from '../types.js';

/** What the portfolio asks of the trading engine running in the same worker. */
export interface TradingPort {
  /** Only the leader tab records equity, so several open tabs do not write the same history. */
  readonly isLeader: boolean;
  /** This session's live mark of a market symbol, if the feed has given one. */
  liveMark(symbol: string): Mark | null;
  /** The account orders go to now (`paper:<exchange>` or `live:<vault id>`); empty before the engine starts. */
  activeAccountId(): string;
  /** The active account's breakers and kill switch. */
  breakerState(): BreakerState | null;
  preview(request: PlaceRequest): Promise<OrderPreview>;
  place(request: PlaceRequest, clientOrderId: string): Promise<{ id: string }>;
}

/**
 * What the trading engine tells the portfolio, so equity is recorded where it changes and money moved in
 * or out is not counted as performance.
 */
export interface AccountEvents {
  /** A paper account was opened with its starting balances (a deposit). */
  opened(account: PaperAccount): Promise<void>;
  /** A paper account was reset or given new starting balances: old holdings out, new ones in. */
  reset(before: PaperAccount, after: PaperAccount): Promise<void>;
  /** Fills were booked on an account: its equity moved. */
  filled(accountId: string): void;
}
