/**
 * The sandbox's listed markets. Filters mirror Binance spot's published values for these pairs;
 * the order-flow fields (start price, volatility, activity, order size) shape the simulated crowd.
 */
import { decimalsOf, formatUnits, parseUnits } from './decimal.js';

export interface MarketSpec {
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minNotional: string;
  maxPrice: string;
  maxQty: string;
  marketMaxQty: string;
  maxNotional: string;
  /** Latent reference price at the simulation epoch. */
  startPrice: number;
  /** Standard deviation of daily log returns of the reference price. */
  dailyVolatility: number;
  /** Relative order-flow intensity (1 = the default event rates). */
  activity: number;
  /** Median order notional in quote currency. */
  medianNotional: number;
  /** Commission rates of user orders (fractions, e.g. "0.001" = 0.1%); Binance's default when absent. */
  makerFee?: string;
  takerFee?: string;
}

export interface Market extends MarketSpec {
  /** Binance id, e.g. "BTCUSDT". */
  readonly id: string;
  /** Lower-case id used in stream names. */
  readonly streamId: string;
  /** ccxt-style unified symbol, e.g. "BTC/USDT". */
  readonly symbol: string;
  /** tickSize and stepSize in 1e-8 units: price string = ticks × tickUnits, qty = lots × stepUnits. */
  readonly tickUnits: number;
  readonly stepUnits: number;
  readonly tick: number;
  readonly step: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** Quote value of one tick × one lot, to turn integer notionals into quote currency. */
  readonly tickLotValue: number;
  readonly minNotionalValue: number;
  readonly maxPriceTicks: number;
  readonly maxQtyLots: number;
}

export const MARKET_SPECS: readonly MarketSpec[] = [
  {
    base: 'BTC',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.00001',
    minNotional: '5',
    maxPrice: '1000000',
    maxQty: '9000',
    marketMaxQty: '120',
    maxNotional: '9000000',
    startPrice: 65000,
    dailyVolatility: 0.03,
    activity: 1.3,
    medianNotional: 600,
  },
  {
    base: 'ETH',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.0001',
    minNotional: '5',
    maxPrice: '1000000',
    maxQty: '9000',
    marketMaxQty: '2500',
    maxNotional: '9000000',
    startPrice: 3200,
    dailyVolatility: 0.035,
    activity: 1.2,
    medianNotional: 400,
  },
  {
    base: 'SOL',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    minNotional: '5',
    maxPrice: '10000',
    maxQty: '90000',
    marketMaxQty: '15000',
    maxNotional: '9000000',
    startPrice: 150,
    dailyVolatility: 0.05,
    activity: 1.0,
    medianNotional: 250,
  },
  {
    base: 'ETH',
    quote: 'BTC',
    tickSize: '0.00001',
    stepSize: '0.0001',
    minNotional: '0.0001',
    maxPrice: '922327',
    maxQty: '100000',
    marketMaxQty: '2000',
    maxNotional: '9000000',
    startPrice: 0.049,
    dailyVolatility: 0.025,
    activity: 0.7,
    medianNotional: 0.004,
  },
  {
    base: 'XRP',
    quote: 'USDT',
    tickSize: '0.0001',
    stepSize: '0.1',
    minNotional: '5',
    maxPrice: '1000',
    maxQty: '9222449',
    marketMaxQty: '1500000',
    maxNotional: '9000000',
    startPrice: 0.6,
    dailyVolatility: 0.045,
    activity: 0.9,
    medianNotional: 150,
  },
  {
    base: 'DOGE',
    quote: 'USDT',
    tickSize: '0.00001',
    stepSize: '1',
    minNotional: '1',
    maxPrice: '1000',
    maxQty: '9000000',
    marketMaxQty: '5000000',
    maxNotional: '9000000',
    startPrice: 0.15,
    dailyVolatility: 0.05,
    activity: 0.9,
    medianNotional: 120,
  },
];

function units(text: string, what: string): number {
  const u = parseUnits(text);
  if (u === null || u <= 0) throw new Error(`invalid ${what}: ${text}`);
  return u;
}

export function buildMarket(spec: MarketSpec): Market {
  const tickUnits = units(spec.tickSize, 'tickSize');
  const stepUnits = units(spec.stepSize, 'stepSize');
  const tick = tickUnits / 1e8;
  const step = stepUnits / 1e8;
  const id = spec.base + spec.quote;
  return {
    ...spec,
    id,
    streamId: id.toLowerCase(),
    symbol: `${spec.base}/${spec.quote}`,
    tickUnits,
    stepUnits,
    tick,
    step,
    priceDecimals: decimalsOf(tickUnits),
    qtyDecimals: decimalsOf(stepUnits),
    tickLotValue: tick * step,
    minNotionalValue: units(spec.minNotional, 'minNotional') / 1e8,
    maxPriceTicks: Math.floor(units(spec.maxPrice, 'maxPrice') / tickUnits),
    maxQtyLots: Math.floor(units(spec.maxQty, 'maxQty') / stepUnits),
  };
}

export const MARKETS: readonly Market[] = MARKET_SPECS.map(buildMarket);

export function priceString(market: Market, ticks: number): string {
  return formatUnits(ticks * market.tickUnits);
}

export function qtyString(market: Market, lots: number): string {
  return formatUnits(lots * market.stepUnits);
}
