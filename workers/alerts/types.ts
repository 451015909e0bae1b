import type { Timeframe } from '../market/timeframes.js';
import type { CorrelationShockPair } from '../research/stats/correlation-shocks.js';
import type { BreakerRule } from '../trading/risk/breakers.js';

/**
 * Alerts as stored and as the evaluator reads them: plain JSON, versioned by `v`. A spec is what the
 * user asked for; what the evaluator has seen so far lives apart in `AlertState` (see evaluator.ts), so
 * editing a name or a snooze never disturbs a crossing in progress.
 *
 * These are the normalised forms `validateAlert` returns: optional fields are present as null.
 */

export const ALERT_SPEC_VERSION = 1;

export const alertKinds = ['price-cross', 'percent-move', 'indicator', 'order-filled', 'risk'] as const;
export type AlertKind = (typeof alertKinds)[number];

/** 'once' disables the alert after it fires; 'every-crossing' fires again after each re-arm. */
export type AlertRepeat = 'once' | 'every-crossing';

export const crossDirections = ['above', 'below', 'either'] as const;
export type CrossDirection = (typeof crossDirections)[number];

export const moveDirections = ['up', 'down', 'either'] as const;
export type MoveDirection = (typeof moveDirections)[number];

export const riskEventKinds = ['breaker-tripped', 'drawdown', 'correlation-shock', 'feed-stale'] as const;
export type RiskEventKind = (typeof riskEventKinds)[number];

export interface AlertCommon {
  v: typeof ALERT_SPEC_VERSION;
  id: string;
  name: string;
  repeat: AlertRepeat;
  /**
   * How far the value must go back past the level before the alert can fire again; null takes the
   * kind's default. Its unit depends on the kind (see `hysteresisRules` in level-crossing.ts): a
   * fraction of the level for prices, of the percent for moves, of the threshold for risk levels, of
   * the close for MACD, RSI points for RSI. Kinds without a level (fills, breaker trips, stale feeds)
   * take null only.
   */
  hysteresis: number | null;
  /** Epoch ms until which the alert watches but does not fire; null when not snoozed. */
  snoozedUntil: number | null;
  /** Play a sound with the notification. */
  sound: boolean;
  /** A disabled alert keeps watching (so re-enabling it does not fire for an old crossing) but never fires. */
  enabled: boolean;
  /** Epoch ms. Data older than this never fires the alert. */
  createdAt: number;
}

/** The last price reaches or passes `level` (a decimal string, as prices are entered). */
export interface PriceCrossAlert extends AlertCommon {
  kind: 'price-cross';
  symbol: string;
  direction: CrossDirection;
  level: string;
}

/** The price moves by `percent` % (5 = 5 %) or more within `windowMs`, measured from the window's oldest price. */
export interface PercentMoveAlert extends AlertCommon {
  kind: 'percent-move';
  symbol: string;
  percent: number;
  windowMs: number;
  direction: MoveDirection;
}

/** Wilder's RSI of the closed candles reaches `level` from the other side. */
export interface RsiAlert extends AlertCommon {
  kind: 'indicator';
  indicator: 'rsi';
  symbol: string;
  timeframe: Timeframe;
  /** Missing params take the catalogue's defaults (period 14). */
  params: { period?: number };
  condition: 'above' | 'below';
  level: number;
}

/** The MACD line of the closed candles crosses its signal line. */
export interface MacdAlert extends AlertCommon {
  kind: 'indicator';
  indicator: 'macd';
  symbol: string;
  timeframe: Timeframe;
  /** Missing params take the catalogue's defaults (12, 26, 9). */
  params: { fast?: number; slow?: number; signal?: number };
  condition: 'cross-above' | 'cross-below';
}

export type IndicatorAlert = RsiAlert | MacdAlert;

/** Every fill of an order, optionally only of one account and/or one symbol. */
export interface OrderFilledAlert extends AlertCommon {
  kind: 'order-filled';
  accountId: string | null;
  symbol: string | null;
}

/**
 * A risk event. `threshold`: for 'drawdown' the fraction below the peak (0.1 = 10 %), for
 * 'correlation-shock' the change of correlation (|EWMA - long-run|, e.g. 0.5); null for the others.
 * `symbol`: for 'feed-stale' only that market's feed (a whole-exchange stale feed matches too), for
 * 'correlation-shock' only pairs with the symbol's base asset; null for all.
 */
export interface RiskAlert extends AlertCommon {
  kind: 'risk';
  event: RiskEventKind;
  threshold: number | null;
  symbol: string | null;
}

export type AlertSpec = PriceCrossAlert | PercentMoveAlert | IndicatorAlert | OrderFilledAlert | RiskAlert;

/** What the evaluator returns when an alert fires: enough for a toast, a notification and the history. */
export interface AlertFiring {
  alertId: string;
  /** The alert's name when it fired. */
  name: string;
  kind: AlertKind;
  symbol: string | null;
  /** Epoch ms of the data that fired it (a candle's close time for indicators). */
  time: number;
  /** A sentence with the numbers, e.g. "BTC/USDT crossed above 70,000: last 70,012.5." */
  message: string;
  /** The number compared with the level (price, move %, RSI, MACD - signal, drawdown ...); null for events. */
  value: number | null;
  /**
   * The data was not live: it arrived after the engine was offline, is older than the staleness bound,
   * follows a gap in the data, or is a catch-up candle. The message says which.
   */
  late: boolean;
  sound: boolean;
  /** A 'once' alert disabled itself with this firing: store the spec with `enabled: false`. */
  disabled: boolean;
}

/** Risk events as the trading and market workers observe them (times in epoch ms). */
export type RiskAlertEvent =
  | {
      kind: 'breaker-tripped';
      time: number;
      accountId: string;
      rule: BreakerRule;
      /** The breaker's sentence (BreakerTrip.message). */
      message: string;
    }
  | {
      kind: 'drawdown';
      time: number;
      accountId: string;
      /** Fraction below the equity peak, 0.12 = 12 %. */
      drawdown: number;
      /** Decimal strings for the message, when known. */
      equity?: string | null;
      peak?: string | null;
    }
  | {
      kind: 'correlation-shock';
      time: number;
      /**
       * Pairs with their change of correlation. Send every pair you have (e.g. `correlationShocks(assets,
       * ewma, longRun, -1)`, since 0 would drop a pair with no change), not only those past a threshold: the alert applies its own threshold and
       * needs to see a pair calm down to re-arm it. Pairs missing from an event keep their state.
       */
      pairs: readonly CorrelationShockPair[];
    }
  | {
      kind: 'feed-stale';
      time: number;
      exchange: string;
      /**
       * null: the whole exchange feed. Markets and the whole exchange are tracked apart; a live event of
       * a market also re-arms the whole exchange (an exchange with a live market is live), so recovery
       * may be reported per market. A whole-exchange live event does not re-arm the markets.
       */
      symbol: string | null;
      /**
       * true when the feed went stale or offline; false when it is live again (re-arms the alert). The
       * first event of a feed may be either: a feed stale at the first event fires.
       */
      stale: boolean;
      /** How old the newest data is, for the message. */
      ageMs: number | null;
    };
