import type { MarketInfo } from '../../market/types.js';
import { rulesOf } from '../../money/market-rules.js';
import type { RebalanceContext } from './plan-rebalance.js';

// Shared by the rebalance tests: spot markets and a planning context with predictable order ids.

export function market(
  base: string,
  over: Partial<MarketInfo> = {},
  quote = 'USDT',
): RebalanceContext['markets'][number] {
  const info: MarketInfo = {
    symbol: `${base}/${quote}`,
    id: `${base}${quote}`,
    base,
    quote,
    active: true,
    tickSize: 0.01,
    stepSize: 0.0001,
    minAmount: null,
    minNotional: 5,
    priceDecimals: 2,
    amountDecimals: 4,
    maker: 0.001,
    taker: 0.001,
    ...over,
  };
  return { symbol: info.symbol, base: info.base, quote: info.quote, rules: rulesOf(info) };
}

export function context(over: Partial<RebalanceContext> = {}): RebalanceContext {
  let n = 0;
  return {
    accountId: 'paper',
    quote: 'USDT',
    holdings: [],
    markets: [market('BTC'), market('ETH'), market('SOL')],
    feeRate: '0.001',
    newId: () => `rb-leg-${++n}`,
    ...over,
  };
}
