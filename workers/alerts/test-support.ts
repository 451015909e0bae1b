import { columnsFromRows, type CandleColumns, type OhlcvRow } from '../market/candle-series.js';
import type { FillRecord } from '../trading/types.js';
import type { AlertEvaluator } from './evaluator.js';
import type {
  AlertCommon,
  AlertFiring,
  MacdAlert,
  OrderFilledAlert,
  PercentMoveAlert,
  PriceCrossAlert,
  RiskAlert,
  RsiAlert,
} from './types.js';

// Builders for the alert tests: a valid spec of each kind, overridable field by field.

export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60_000;
export const HOUR = 60 * MIN;

function common(id: string): AlertCommon {
  return {
    v: 1,
    id,
    name: id,
    repeat: 'every-crossing',
    hysteresis: null,
    snoozedUntil: null,
    sound: true,
    enabled: true,
    createdAt: 0,
  };
}

export function priceCrossSpec(over: Partial<PriceCrossAlert> = {}): PriceCrossAlert {
  return {
    ...common('price'),
    kind: 'price-cross',
    symbol: 'BTC/USDT',
    direction: 'above',
    level: '70000',
    ...over,
  };
}

export function percentMoveSpec(over: Partial<PercentMoveAlert> = {}): PercentMoveAlert {
  return {
    ...common('move'),
    kind: 'percent-move',
    symbol: 'ETH/USDT',
    percent: 5,
    windowMs: HOUR,
    direction: 'up',
    ...over,
  };
}

export function rsiSpec(over: Partial<RsiAlert> = {}): RsiAlert {
  return {
    ...common('rsi'),
    kind: 'indicator',
    indicator: 'rsi',
    symbol: 'BTC/USDT',
    timeframe: '1h',
    params: { period: 14 },
    condition: 'above',
    level: 70,
    ...over,
  };
}

export function macdSpec(over: Partial<MacdAlert> = {}): MacdAlert {
  return {
    ...common('macd'),
    kind: 'indicator',
    indicator: 'macd',
    symbol: 'BTC/USDT',
    timeframe: '1h',
    params: {},
    condition: 'cross-above',
    ...over,
  };
}

export function fillSpec(over: Partial<OrderFilledAlert> = {}): OrderFilledAlert {
  return { ...common('fill'), kind: 'order-filled', accountId: null, symbol: null, ...over };
}

export function riskSpec(over: Partial<RiskAlert> = {}): RiskAlert {
  return {
    ...common('risk'),
    kind: 'risk',
    event: 'breaker-tripped',
    threshold: null,
    symbol: null,
    ...over,
  };
}

export function fillRecord(over: Partial<FillRecord> = {}): FillRecord {
  return {
    id: 'f-1',
    orderId: 'o-1',
    accountId: 'paper',
    symbol: 'BTC/USDT',
    side: 'buy',
    price: '65000.50',
    amount: '0.5',
    quote: '32500.25',
    fee: '0.0005',
    feeAsset: 'BTC',
    liquidity: 'taker',
    time: T0,
    ...over,
  };
}

/** Hourly candles opening at `start`, one per close (open = previous close, high/low around them). */
export function hourlyCandles(closes: readonly number[], start = T0): CandleColumns {
  const rows: OhlcvRow[] = closes.map((c, i) => {
    const open = i === 0 ? c : (closes[i - 1] as number);
    return [start + i * HOUR, open, Math.max(open, c), Math.min(open, c), c, 1];
  });
  return columnsFromRows(rows);
}

export const LIVE = { live: true };

/** Feeds prices one second apart from `start`; returns every firing. */
export function feed(
  ev: AlertEvaluator,
  symbol: string,
  prices: number[],
  start = T0,
  step = SEC,
): AlertFiring[] {
  return prices.flatMap((p, i) => ev.price(symbol, start + i * step, p, LIVE));
}
