/**
 * Test helpers (not used by production code): one simulated market with a manual clock, a
 * trading desk over it, and crowd trades that put the last price where a test needs it.
 */
import { ManualClock } from '../test-support.js';
import { MarketSimulator } from '../market-simulator.js';
import { MARKETS, type Market } from '../markets.js';
import { BUY, CROWD, SELL, type Side } from '../order.js';
import { createVenue } from '../venue.js';
import { AccountStore, type Account } from './accounts.js';
import { parseAmount } from './money.js';
import type { OrderRequest } from './order-params.js';
import { TradingDesk } from './trading-desk.js';

export const ORIGIN = Date.UTC(2026, 0, 5);

export interface TestMarket {
  clock: ManualClock;
  sim: MarketSimulator;
  market: Market;
  desk: TradingDesk;
  accounts: AccountStore;
  events: Array<{ account: Account; event: Record<string, unknown> }>;
  account(balances: Record<string, string>): Account;
  /** Advances the crowd simulation by `ms` and lets the desk react (stop triggers, events). */
  advance(ms: number): void;
  /** A one-lot crowd trade on the bid (last price = best bid) or the ask. */
  crowdTrade(side: Side): number;
  bid(): number;
  ask(): number;
}

export function testMarket(symbol = 'BTCUSDT', seed = 11): TestMarket {
  const market = MARKETS.find((m) => m.id === symbol) as Market;
  const clock = new ManualClock(ORIGIN + 30 * 60_000);
  const sim = new MarketSimulator(market, { seed, origin: ORIGIN, expectedMinutes: 600 });
  sim.advanceTo(clock.t);
  const venue = createVenue([sim], () => clock.now());
  const accounts = new AccountStore();
  const desk = new TradingDesk(venue, accounts);
  const events: TestMarket['events'] = [];
  desk.sink = (account, event) => events.push({ account, event: event as Record<string, unknown> });
  return {
    clock,
    sim,
    market,
    desk,
    accounts,
    events,
    account(balances) {
      const units = new Map(Object.entries(balances).map(([a, t]) => [a, parseAmount(t) as bigint]));
      return accounts.create({ label: 'test', balances: units, createdAt: clock.t });
    },
    advance(ms) {
      clock.t += ms;
      sim.advanceTo(clock.t);
      desk.afterAdvance(clock.t);
    },
    crowdTrade(side) {
      sim.engine.submitMarket({ owner: CROWD, side, qty: 1, time: clock.t });
      desk.afterAdvance(clock.t);
      return sim.klines.lastPrice;
    },
    bid: () => sim.engine.bestBid()?.price as number,
    ask: () => sim.engine.bestAsk()?.price as number,
  };
}

export function limit(
  side: Side,
  price: number,
  qty: number,
  extra: Partial<OrderRequest> = {},
): OrderRequest {
  return {
    side,
    type: 'LIMIT',
    tif: 'GTC',
    price,
    qty,
    quoteOrderQty: 0n,
    stopPrice: 0,
    clientOrderId: null,
    stp: 'EXPIRE_MAKER',
    ...extra,
  };
}

export { BUY, SELL };
