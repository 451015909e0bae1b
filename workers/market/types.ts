/** A tradable market as the UI needs it: names, precision and limits from the exchange (via ccxt). */
export interface MarketInfo {
  symbol: string;
  id: string;
  base: string;
  quote: string;
  active: boolean;
  /** Smallest price increment. */
  tickSize: number;
  /** Smallest amount increment. */
  stepSize: number;
  minAmount: number | null;
  minNotional: number | null;
  /** Decimals to show prices and amounts with, derived from tick and step. */
  priceDecimals: number;
  amountDecimals: number;
  maker: number | null;
  taker: number | null;
}

/** 24-hour statistics of one market. */
export interface TickerInfo {
  symbol: string;
  time: number;
  last: number;
  open: number | null;
  high: number | null;
  low: number | null;
  change: number | null;
  /** Percent, e.g. 2.5 for +2.5 %. */
  percentage: number | null;
  baseVolume: number | null;
  quoteVolume: number | null;
  vwap: number | null;
  bid: number | null;
  ask: number | null;
}
