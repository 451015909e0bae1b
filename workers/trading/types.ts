/**
 * The trading engine's records, as stored in IndexedDB and shown by the UI. Money fields are decimal
 * strings (see workers/money/decimal.ts); times are epoch milliseconds.
 */

export type Side = 'buy' | 'sell';

export type OrderType =
  'market' | 'limit' | 'stop-market' | 'stop-limit' | 'take-profit' | 'take-profit-limit' | 'trailing-stop';

export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

export type OrderStatus =
  'pending-new' | 'open' | 'partially-filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';

export const terminalStatuses: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

export type Liquidity = 'maker' | 'taker';

/** How a trailing stop follows the price: a percent of the best price seen, or a fixed distance. */
export interface Trail {
  kind: 'percent' | 'distance';
  /** Percent (e.g. "2" for 2 %) or a price distance in the quote currency. */
  value: string;
  /** Best price seen since the order was placed (highest for a sell, lowest for a buy). */
  extreme: string | null;
}

/** Orders that belong together: an OCO pair, a bracket (entry, take-profit, stop-loss), an algo's children. */
export interface OrderGroup {
  kind: 'oco' | 'bracket' | 'algo';
  id: string;
  role: 'leg' | 'entry' | 'take-profit' | 'stop-loss' | 'child';
}

export interface OrderRecord {
  /** The client order id: unique, chosen before the order is stored, sent with it, never reused. */
  id: string;
  accountId: string;
  exchange: string;
  symbol: string;
  side: Side;
  type: OrderType;
  status: OrderStatus;
  amount: string;
  /** Limit price (limit, stop-limit, take-profit-limit), else null. */
  price: string | null;
  /** Trigger price of stop and take-profit orders; the current stop of a trailing stop. */
  stopPrice: string | null;
  trail: Trail | null;
  tif: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  filled: string;
  /** Sum of price × amount over fills, in the quote currency. */
  cost: string;
  fee: string;
  feeAsset: string;
  /** Funds this order holds (reserved) right now, in the asset it pays with (`holdsAsset`). */
  holds: string;
  holdsAsset: string;
  /** Stop, take-profit and trailing orders wait for their trigger; then they act as market or limit. */
  triggered: boolean;
  group: OrderGroup | null;
  /** Bracket entries: the exits placed (as an OCO) for whatever the entry fills. */
  exits: { takeProfitPrice: string; stopPrice: string } | null;
  /** Who placed it. */
  source: 'manual' | 'algo' | 'bracket' | 'oco' | 'close' | 'flatten';
  /** Paper only: volume ahead of this order at its price level that must trade first. */
  queueAhead: string | null;
  /** Paper only: the order reaches the matcher at this time (simulated latency). */
  activeAt: number;
  createdAt: number;
  updatedAt: number;
  /** Why it was rejected, cancelled or expired, in words. */
  reason: string | null;
  /** Live accounts: the exchange's id for the order, once the exchange has confirmed it. */
  exchangeOrderId?: string | null;
  /** Live accounts: the error code of a refusal (e.g. 'signed-out'), so the page can offer the fix. */
  reasonCode?: string | null;
}

export interface FillRecord {
  id: string;
  orderId: string;
  accountId: string;
  symbol: string;
  side: Side;
  price: string;
  amount: string;
  /** price × amount in the quote currency. */
  quote: string;
  fee: string;
  feeAsset: string;
  liquidity: Liquidity;
  time: number;
}

export interface PaperAccount {
  id: string;
  /** Absent on paper accounts (and on every account stored before live trading existed). */
  live?: { vaultId: string; venue: 'sandbox' | 'live' };
  exchange: string;
  name: string;
  /** Free balances by asset. Amounts reserved by open orders are in `reserved`. */
  balances: Record<string, string>;
  reserved: Record<string, string>;
  starting: Record<string, string>;
  /** Simulated order latency (ms) before an order reaches the paper matcher. */
  latencyMs: number;
  createdAt: number;
  resetAt: number;
}

/** Spot position in one symbol of one account, with average-cost accounting. */
export interface PositionRecord {
  accountId: string;
  symbol: string;
  base: string;
  quote: string;
  amount: string;
  /** Average entry price of what is held (fees included in the cost). */
  avgEntry: string;
  realizedPnl: string;
  updatedAt: number;
}

/** A closed round trip (a sell that reduced a position), for Kelly sizing and the losing-streak breaker. */
export interface ClosedTrade {
  id: string;
  accountId: string;
  symbol: string;
  amount: string;
  entry: string;
  exit: string;
  pnl: string;
  time: number;
}

export type AlgoKind = 'twap' | 'vwap' | 'iceberg' | 'pov';
export type AlgoStatus = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';

export interface AlgoParams {
  /** TWAP/VWAP: total duration in ms; slices are spread over it. */
  durationMs?: number;
  /** TWAP/VWAP: number of slices. */
  slices?: number;
  /** Iceberg: the visible amount of each child. */
  visible?: string;
  /** Iceberg (and optionally any algo): limit price for child orders; null means market children. */
  limitPrice?: string | null;
  /** POV: target share of traded volume, in percent (e.g. "10"). */
  participation?: string;
  /** VWAP: per-slice weights (sum 1), from the recent candles' volume profile; filled in at start. */
  weights?: number[];
}

export interface AlgoRecord {
  id: string;
  accountId: string;
  exchange: string;
  symbol: string;
  side: Side;
  kind: AlgoKind;
  status: AlgoStatus;
  amount: string;
  filled: string;
  cost: string;
  params: AlgoParams;
  /** Mid price when the algo started: execution quality is measured against it. */
  arrivalPrice: string;
  startedAt: number;
  /** Index of the next child to send; child ids are `${id}-${index}`, so a resume cannot send one twice. */
  nextChild: number;
  /** POV: traded volume seen on the tape since start. */
  observedVolume: string;
  /** Paused time is added to the schedule. */
  pausedAt: number | null;
  pausedMs: number;
  updatedAt: number;
  reason: string | null;
}

export type AuditKind =
  | 'order-accepted'
  | 'order-rejected'
  | 'order-sent'
  | 'order-triggered'
  | 'order-filled'
  | 'order-cancelled'
  | 'order-expired'
  | 'order-amended'
  | 'algo'
  | 'halt'
  | 'rearm'
  | 'kill-switch'
  | 'account'
  | 'settings';

/** One entry of the append-only audit log: written in the same transaction as the change it explains. */
export interface AuditEntry {
  seq?: number;
  time: number;
  kind: AuditKind;
  accountId: string;
  orderId: string | null;
  symbol: string | null;
  /** The risk rule that decided, when one did. */
  rule: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
  /** The previous entry's hash (a fixed genesis value for the first): set by the store, never by callers. */
  prevHash?: string;
  /** SHA-256 (hex) over prevHash and every other field but seq: the audit chain. Set by the store. */
  hash?: string;
}
