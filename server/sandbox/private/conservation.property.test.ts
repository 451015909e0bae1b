/**
 * Money is conserved exactly: for any interleaving of user orders, cancels and simulated crowd
 * flow, each asset's total over all accounts (free + locked) plus the commission collected plus
 * the crowd's net flow equals what the accounts started with, and no balance goes negative.
 * Locked funds always equal what the open orders' locks hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinanceError } from '../binance-errors.js';
import type { Account } from './accounts.js';
import { notionalUnits, parseAmount } from './money.js';
import type { OrderRequest } from './order-params.js';
import { BUY, SELL, limit, testMarket, type TestMarket } from './test-market.js';
import type { FundsLock } from './user-order.js';

type Command =
  | {
      kind: 'limit';
      who: number;
      side: 0 | 1;
      offset: number;
      qty: number;
      tif: 'GTC' | 'IOC' | 'FOK';
      maker: boolean;
    }
  | { kind: 'market'; who: number; side: 0 | 1; qty: number; byQuote: boolean }
  | { kind: 'stop'; who: number; side: 0 | 1; offset: number; qty: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'crowd'; side: 0 | 1 };

const side = fc.constantFrom<0 | 1>(BUY, SELL);
const who = fc.integer({ min: 0, max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('limit' as const),
    who,
    side,
    offset: fc.integer({ min: -30, max: 30 }),
    qty: fc.integer({ min: 1, max: 400 }),
    tif: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const),
    maker: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('market' as const),
    who,
    side,
    qty: fc.integer({ min: 1, max: 600 }),
    byQuote: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('stop' as const),
    who,
    side,
    offset: fc.integer({ min: 1, max: 30 }),
    qty: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 50, max: 20_000 }) }),
  fc.record({ kind: fc.constant('crowd' as const), side }),
);

function totals(t: TestMarket, accounts: Account[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const asset of [t.market.base, t.market.quote]) {
    let sum = (t.desk.fees.get(asset) ?? 0n) + (t.desk.crowd.get(asset) ?? 0n);
    for (const a of accounts) {
      const b = a.balance(asset);
      expect(b.free >= 0n && b.locked >= 0n, `${asset} of account ${a.owner} is never negative`).toBe(true);
      sum += b.free + b.locked;
    }
    out.set(asset, sum);
  }
  return out;
}

function run(t: TestMarket, accounts: Account[], c: Command): void {
  const mid = Math.round((t.bid() + t.ask()) / 2);
  // Offsets are in basis points of the price, so every market sees crossing and passive orders.
  const bp = (n: number) => Math.round((mid * n) / 10_000);
  const account = accounts[('who' in c ? c.who : 0) % accounts.length] as Account;
  try {
    switch (c.kind) {
      case 'limit': {
        const price = Math.max(1, mid + bp(c.side === BUY ? c.offset : -c.offset));
        const req: OrderRequest = c.maker
          ? { ...limit(c.side, price, c.qty), type: 'LIMIT_MAKER' }
          : limit(c.side, price, c.qty, { tif: c.tif });
        t.desk.placeOrder(account, t.sim, req);
        break;
      }
      case 'market': {
        const base = { ...limit(c.side, 0, c.qty), type: 'MARKET' as const };
        const quote = notionalUnits(t.market, mid, c.qty * 10);
        t.desk.placeOrder(account, t.sim, c.byQuote ? { ...base, qty: 0, quoteOrderQty: quote } : base);
        break;
      }
      case 'stop': {
        const last = t.sim.klines.lastPrice;
        const stopPrice = c.side === SELL ? last - bp(c.offset) : last + bp(c.offset);
        const price = c.side === SELL ? stopPrice - bp(10) : stopPrice + bp(10);
        t.desk.placeOrder(account, t.sim, {
          ...limit(c.side, price, c.qty),
          type: 'STOP_LOSS_LIMIT',
          stopPrice,
        });
        break;
      }
      case 'cancel': {
        const open = accounts.flatMap((a) => t.desk.ordersOf(a).filter((o) => o.isOpen));
        const order = open[c.pick % Math.max(1, open.length)];
        if (order !== undefined) t.desk.cancelOrder(order, 'prop');
        break;
      }
      case 'advance':
        t.advance(c.ms);
        break;
      case 'crowd':
        t.crowdTrade(c.side);
        break;
    }
  } catch (e) {
    // Refusals (insufficient balance, would take, would trigger, filters) are legitimate outcomes.
    if (!(e instanceof BinanceError)) throw e;
  }
}

const CASES: Array<{ symbol: string; balances: Array<Record<string, string>> }> = [
  { symbol: 'BTCUSDT', balances: [{ USDT: '20000', BTC: '0.5' }, { USDT: '3000' }, { BTC: '0.05' }] },
  // ETH/BTC notionals have more than 8 decimals: truncation must still conserve every unit.
  { symbol: 'ETHBTC', balances: [{ BTC: '1', ETH: '10' }, { BTC: '0.1' }, { ETH: '2' }] },
];

describe.each(CASES)('private API money conservation on $symbol (property)', ({ symbol, balances }) => {
  it('each asset is conserved exactly and locks match open orders', () => {
    let fills = 0;
    let stopsTriggered = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(command, { minLength: 10, maxLength: 40 }),
        (seed, commands) => {
          const t = testMarket(symbol, seed);
          const accounts = balances.map((b) => t.account(b));
          const initial = totals(t, accounts);
          for (const c of commands) {
            run(t, accounts, c);
            expect(totals(t, accounts)).toEqual(initial);
            for (const a of accounts) {
              const locks = new Set<FundsLock>();
              for (const o of t.desk.ordersOf(a)) if (o.isOpen) locks.add(o.lock);
              for (const asset of [t.market.base, t.market.quote]) {
                const held = [...locks].filter((l) => l.asset === asset).reduce((s, l) => s + l.units, 0n);
                expect(a.balance(asset).locked, `locked ${asset} equals the open orders' locks`).toBe(held);
              }
            }
          }
          for (const a of accounts) {
            fills += t.desk.tradesOf(a).length;
            stopsTriggered += t.desk
              .ordersOf(a)
              .filter((o) => o.type === 'STOP_LOSS_LIMIT' && o.isWorking).length;
          }
        },
      ),
      { numRuns: 60 },
    );
    // The runs must actually trade (and trigger stops) for the invariant to mean anything.
    expect(fills).toBeGreaterThan(100);
    expect(stopsTriggered).toBeGreaterThan(0);
  }, 120_000);
});

describe('conservation ledger', () => {
  it('the crowd ledger moves when users trade (the property is not vacuous)', () => {
    const t = testMarket();
    const a = t.account({ USDT: '1000' });
    t.desk.placeOrder(a, t.sim, { ...limit(BUY, 0, 100), type: 'MARKET' });
    expect(t.desk.crowd.get('USDT') ?? 0n).toBeGreaterThan(0n);
    expect(t.desk.crowd.get('BTC') ?? 0n).toBeLessThan(0n);
    expect(t.desk.fees.get('BTC') ?? 0n).toBeGreaterThan(0n);
    expect(a.balance('USDT').free).toBeLessThan(parseAmount('1000') as bigint);
  });
});
