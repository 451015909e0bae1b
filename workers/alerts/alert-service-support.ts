import { columnsFromRows, type CandleColumns, type OhlcvRow } from '../market/candle-series.js';
import type { MarketEvent, MarketListener } from '../market/events.js';
import type { Timeframe } from '../market/timeframes.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { MarketInfo } from '../market/types.js';
import type { TradingListener, TradingSnapshot } from '../trading/api.js';
import type { MarketAccess } from '../trading/market-link.js';

// Fakes of the market and trading engines for the alert service's unit tests.

export function marketInfo(symbol: string): MarketInfo {
  const [base = '', quote = ''] = symbol.split('/');
  return {
    symbol,
    id: symbol.replace('/', ''),
    base,
    quote,
    active: true,
    tickSize: 0.01,
    stepSize: 0.0001,
    minAmount: null,
    minNotional: null,
    priceDecimals: 2,
    amountDecimals: 4,
    maker: 0.001,
    taker: 0.001,
  };
}

export class FakeMarket implements MarketAccess {
  listeners = new Set<MarketListener>();
  focused: string | null = 'BTC/USDT';
  symbols = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
  /** Trades a REST poll returns per symbol; a function may throw to fail the poll. */
  trades = new Map<string, TapeTrade[] | (() => TapeTrade[])>();
  candleRows = new Map<string, OhlcvRow[]>();
  tradeCalls: Array<{ symbol: string; limit: number }> = [];
  candleCalls: Array<{ symbol: string; timeframe: Timeframe; limit?: number }> = [];

  exchangeId() {
    return 'sandbox';
  }
  markets() {
    return this.symbols.map(marketInfo);
  }
  focusedSymbol() {
    return this.focused;
  }
  listen(listener: MarketListener) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  emit(...events: MarketEvent[]) {
    for (const l of this.listeners) l(events);
  }
  async fetchBook(): Promise<never> {
    throw new Error('not used');
  }
  async fetchTrades(symbol: string, limit: number) {
    this.tradeCalls.push({ symbol, limit });
    const t = this.trades.get(symbol);
    return typeof t === 'function' ? t() : (t ?? []);
  }
  async fetchCandles(
    symbol: string,
    timeframe: Timeframe,
    _since?: number,
    limit?: number,
  ): Promise<CandleColumns> {
    this.candleCalls.push({ symbol, timeframe, limit });
    return columnsFromRows(this.candleRows.get(`${symbol}|${timeframe}`) ?? []);
  }
}

let tradeIds = 0;
export function trade(time: number, price: number): TapeTrade {
  return { id: `t${++tradeIds}`, time, price, amount: 1, side: 'buy' };
}

export class FakeTrading {
  listener: TradingListener | null = null;
  subscribe(listener: TradingListener) {
    this.listener = listener;
    return 1;
  }
  unsubscribe() {
    this.listener = null;
  }
  send(snapshot: Partial<TradingSnapshot>) {
    this.listener?.({ type: 'snapshot', snapshot: snapshot as TradingSnapshot });
  }
}
