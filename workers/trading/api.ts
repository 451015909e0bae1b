import type { EngineError } from '../shared/errors.js';
import type { DivergenceReport } from './twin/divergence-report.js';
import type { RiskCheck } from './risk/risk-gate.js';
import type { BreakerState } from './risk/breakers.js';
import type { RiskLimits } from './risk/limits.js';
import type {
  AlgoKind,
  AlgoParams,
  AlgoRecord,
  AuditEntry,
  AuditKind,
  FillRecord,
  OrderRecord,
  OrderType,
  PaperAccount,
  PositionRecord,
  Side,
  TimeInForce,
} from './types.js';

/** One order as the ticket sends it. Money is decimal text; the worker validates every field itself. */
export interface OrderRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  amount: string;
  price?: string | null;
  stopPrice?: string | null;
  trail?: { kind: 'percent' | 'distance'; value: string } | null;
  tif?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
}

/** One-cancels-the-other: a take-profit limit and a stop (market, or limit when stopLimitPrice is set). */
export interface OcoRequest {
  symbol: string;
  side: Side;
  amount: string;
  takeProfitPrice: string;
  stopPrice: string;
  stopLimitPrice?: string | null;
}

/** An entry and, once it fills, an OCO exit of take-profit and stop-loss for the filled amount. */
export interface BracketRequest {
  symbol: string;
  side: Side;
  amount: string;
  entryType: 'market' | 'limit';
  entryPrice?: string | null;
  takeProfitPrice: string;
  stopPrice: string;
}

export interface AlgoRequest {
  symbol: string;
  side: Side;
  amount: string;
  kind: AlgoKind;
  params: AlgoParams;
}

export type PlaceRequest =
  | { kind: 'order'; order: OrderRequest }
  | { kind: 'oco'; oco: OcoRequest }
  | { kind: 'bracket'; bracket: BracketRequest }
  | { kind: 'algo'; algo: AlgoRequest };

export type TicketField =
  | 'symbol'
  | 'side'
  | 'type'
  | 'amount'
  | 'price'
  | 'stopPrice'
  | 'stopLimitPrice'
  | 'takeProfitPrice'
  | 'entryPrice'
  | 'trail'
  | 'tif'
  | 'algo';

export interface FillEstimate {
  filled: string;
  avgPrice: string | null;
  worstPrice: string | null;
  cost: string;
  fee: string;
  slippageBps: number;
  levels: number;
}

/** What the ticket shows before sending: snapped values, the reason next to each bad field, the estimate and every risk check. */
export interface OrderPreview {
  ok: boolean;
  fieldErrors: Partial<Record<TicketField, string>>;
  /** Amount and prices snapped to the market's lot and tick. */
  snapped: { amount: string | null; price: string | null; stopPrice: string | null };
  estimate: FillEstimate | null;
  resulting: {
    position: string;
    positionNotional: number;
    grossExposure: number;
    freeQuote: string;
    freeBase: string;
  } | null;
  checks: RiskCheck[];
  /** True when the order is emulated by Lyra (stops, trailing, OCO, bracket, algos): it needs the app open. */
  emulated: boolean;
}

export interface PositionView extends PositionRecord {
  mark: number | null;
  markTime: number | null;
  unrealizedPnl: number | null;
  notional: number | null;
}

export interface TradingSnapshot {
  exchange: string;
  /** This tab runs matching, emulation and algos; other tabs send their orders to it. */
  leader: boolean;
  account: PaperAccount | null;
  equity: number | null;
  dayPnl: number | null;
  openOrders: OrderRecord[];
  /** Most recent finished orders, newest first. */
  history: OrderRecord[];
  fills: FillRecord[];
  positions: PositionView[];
  algos: AlgoRecord[];
  breaker: BreakerState | null;
  limits: RiskLimits;
  /** Live accounts: the exchange connection (off while the vault is locked). Null on paper. */
  live: {
    status: 'off' | 'connecting' | 'streaming' | 'polling' | 'stopped';
    error: EngineError | null;
  } | null;
  updatedAt: number;
}

/** An account the trading engine can switch to: the paper account, or an exchange account in the vault. */
export interface TradingAccountChoice {
  /** `paper` or the vault account id. */
  id: string;
  label: string;
  kind: 'paper' | 'live';
  venue: 'paper' | 'sandbox' | 'live';
  active: boolean;
}

export type TradingEvent =
  | { type: 'snapshot'; snapshot: TradingSnapshot }
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; message: string; at: number };

export type TradingListener = (event: TradingEvent) => void;

export interface AuditFilter {
  kind?: AuditKind | null;
  symbol?: string | null;
  orderId?: string | null;
  since?: number | null;
  limit?: number;
}

/** Sizing inputs as the ticket's text fields. Percentages are in percent: riskPct "1" is 1 %, winRate "55" is 55 %, fractionCap "25" is a quarter. */
export type SizingRequest =
  | { method: 'fixed-fractional'; symbol: string; riskPct: string; entry: string; stop: string }
  | {
      method: 'kelly';
      symbol: string;
      entry: string;
      fractionCap: string;
      /** Omitted: taken from the account's own closed trades. */
      winRate?: string | null;
      payoff?: string | null;
    }
  | { method: 'volatility'; symbol: string; riskPct: string; atrMultiple: string; entry: string }
  | { method: 'risk-parity'; symbol: string; price: string };

export interface SizingResult {
  amount: string | null;
  explanation: string;
  warnings: string[];
  error: string | null;
}

export interface PaperSettings {
  balances: Record<string, string>;
  latencyMs: number;
}

/** What the UI may ask of the trading engine. Failures reject with an EngineError (data, not an Error). */
export interface TradingApi {
  subscribe(listener: TradingListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  preview(request: PlaceRequest): Promise<OrderPreview>;
  /**
   * Places an order, OCO, bracket or algo; resolves with the id once it is stored and accepted. A
   * `clientOrderId` (6-40 of A-Z a-z 0-9 _ -) chosen by the caller makes a retry safe: the same id
   * never places twice.
   */
  place(request: PlaceRequest, clientOrderId?: string): Promise<{ id: string }>;
  cancel(orderId: string): Promise<void>;
  amend(orderId: string, change: { price?: string; amount?: string }): Promise<void>;
  closePosition(symbol: string): Promise<void>;
  pauseAlgo(id: string): Promise<void>;
  resumeAlgo(id: string): Promise<void>;
  cancelAlgo(id: string): Promise<void>;
  killSwitch(options: { flatten: boolean }): Promise<void>;
  rearm(): Promise<void>;
  setLimits(input: unknown): Promise<RiskLimits>;
  configurePaper(settings: PaperSettings): Promise<void>;
  resetPaper(): Promise<void>;
  audit(filter: AuditFilter): Promise<AuditEntry[]>;
  size(request: SizingRequest): Promise<SizingResult>;
  /** The paper account and the vault's exchange accounts. */
  tradingAccounts(): Promise<TradingAccountChoice[]>;
  /**
   * Trades on another account from now on (`paper` or a vault account id), in every tab. A live account
   * needs the vault unlocked; its open orders and fills are reconciled with the exchange first.
   */
  useAccount(id: string): Promise<void>;
  /** Each live order's fill next to what its paper twin would have filled (slippage, fees, timing). */
  divergence(): Promise<DivergenceReport>;
}

export type { DivergenceReport, DivergenceRow, FeeTotal, LegSummary } from './twin/divergence-report.js';
export type { TwinRecord } from './twin/twin-record.js';
