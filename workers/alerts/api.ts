import type { AlertFiringRow } from './rows.js';
import type {
  AlertKind,
  AlertRepeat,
  AlertSpec,
  CrossDirection,
  MoveDirection,
  RiskEventKind,
} from './types.js';
import type { Timeframe } from '../market/timeframes.js';

/**
 * Where an alert stands, as the list shows it:
 * - 'armed': it fires at the next crossing;
 * - 'rearming': it fired (or started at the level) and waits for the value to go back past the band;
 * - 'snoozed': it watches but does not fire until `snoozedUntil`;
 * - 'disabled': switched off by hand, or a one-shot alert that fired.
 */
export type AlertStatus = 'armed' | 'rearming' | 'snoozed' | 'disabled';

export interface AlertView {
  spec: AlertSpec;
  status: AlertStatus;
  firedCount: number;
  lastFiredAt: number | null;
  /** The last value the alert compared (price, move %, RSI ...), and when; null before any. */
  lastValue: number | null;
  lastValueAt: number | null;
}

export type AlertFiringView = AlertFiringRow;

/** The fields the alert form sends; the engine adds id, version and times, and checks every field. */
export type AlertDraft = {
  name?: string | null;
  repeat?: AlertRepeat;
  hysteresis?: number | null;
  sound?: boolean;
} & (
  | { kind: 'price-cross'; symbol: string; direction: CrossDirection; level: string }
  | { kind: 'percent-move'; symbol: string; percent: number; windowMs: number; direction: MoveDirection }
  | {
      kind: 'indicator';
      indicator: 'rsi';
      symbol: string;
      timeframe: Timeframe;
      params?: { period?: number };
      condition: 'above' | 'below';
      level: number;
    }
  | {
      kind: 'indicator';
      indicator: 'macd';
      symbol: string;
      timeframe: Timeframe;
      params?: { fast?: number; slow?: number; signal?: number };
      condition: 'cross-above' | 'cross-below';
    }
  | { kind: 'order-filled'; accountId?: string | null; symbol?: string | null }
  | { kind: 'risk'; event: RiskEventKind; threshold?: number | null; symbol?: string | null }
);

/** What may change on an existing alert; the condition itself does not (delete and create instead). */
export interface AlertPatch {
  name?: string;
  repeat?: AlertRepeat;
  /** Epoch ms, or null to wake it. */
  snoozedUntil?: number | null;
  enabled?: boolean;
  sound?: boolean;
}

export interface HistoryQuery {
  alertId?: string | null;
  kind?: AlertKind | null;
  /** true: only late firings; false: only live ones. */
  late?: boolean | null;
  /** Only firings at or after this time (epoch ms). */
  since?: number | null;
  offset?: number;
  /** 1 to 200; default 50. */
  limit?: number;
}

export interface HistoryPage {
  /** Newest first. */
  firings: AlertFiringView[];
  /** Firings matching the filter in all. */
  total: number;
}

/** A deleted alert with its state, to put it back exactly as it was (undo). */
export interface RemovedAlert {
  spec: AlertSpec;
  state: unknown;
}

export type AlertEvent =
  { type: 'fired'; firing: AlertFiringView } | { type: 'changed'; alerts: AlertView[] };

export type AlertListener = (event: AlertEvent) => void;

/** The alerts domain's part of the engine API. Failures reject with EngineError data. */
export interface AlertsApi {
  list(): Promise<AlertView[]>;
  /** Checks the draft against the exchange's markets; an unknown symbol is refused with a suggestion. */
  create(draft: AlertDraft): Promise<AlertView>;
  update(id: string, patch: AlertPatch): Promise<AlertView>;
  remove(id: string): Promise<RemovedAlert>;
  /** Puts a removed alert back (undo), with the crossing state it had. */
  restore(removed: RemovedAlert): Promise<AlertView>;
  history(query?: HistoryQuery): Promise<HistoryPage>;
  /** Clears the history, of one alert or of all; returns how many firings were removed. */
  clearHistory(alertId?: string | null): Promise<number>;
  /** The last price the engine knows for `symbol` (fetched when it has none); null when unknown. */
  currentPrice(symbol: string): Promise<number | null>;
  subscribe(listener: AlertListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}

export type { AlertFiring, AlertKind, AlertSpec, RiskEventKind } from './types.js';
