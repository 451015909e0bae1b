import type { MarketInfo } from './types.js';

/** BTC/USDT as the sandbox lists it (tick 0.01, lot 0.00001, 5 USDT minimum, 0.1 % fees): for tests. */
export const btcUsdt: MarketInfo = {
  symbol: 'BTC/USDT',
  id: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  tickSize: 0.01,
  stepSize: 0.00001,
  minAmount: 0.00001,
  minNotional: 5,
  priceDecimals: 2,
  amountDecimals: 5,
  maker: 0.001,
  taker: 0.001,
};
