import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { PaperAccount, PositionRecord, Side, TimeInForce } from '../types.js';
import {
  applyFill,
  balanceOf,
  feeFor,
  release,
  reservationFor,
  reserveFor,
  reservedForFill,
  type LedgerFill,
  type ReserveRequest,
} from './paper-ledger.js';
import {
  estimateFill,
  matchOnArrival,
  matchOnBook,
  matchOnTrade,
  type BookSides,
  type PaperFill,
  type RestingOrder,
} from './paper-matcher.js';

const d = (v: string | number) => Decimal.from(v);

function rulesWith(tick: string, step: string, maker: string, taker: string): MarketRules {
  return {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    tick: d(tick),
    step: d(step),
    minAmount: null,
    minNotional: null,
    maker: d(maker),
    taker: d(taker),
    priceDecimals: 2,
    amountDecimals: 3,
  };
}

const rules = rulesWith('0.01', '0.001', '0.001', '0.002');

function account(balances: Record<string, string>): PaperAccount {
  return {
    id: 'paper-1',
    exchange: 'binance',
    name: 'Paper',
    balances,
    reserved: {},
    starting: { ...balances },
    latencyMs: 0,
    createdAt: 0,
    resetAt: 0,
  };
}

/** Frozen deeply enough that any write to an input record throws (modules run in strict mode). */
function frozen<T extends object>(v: T): T {
  for (const x of Object.values(v)) if (x && typeof x === 'object') Object.freeze(x);
  return Object.freeze(v);
}

function fill(side: Side, price: string, amount: string, liquidity: 'maker' | 'taker' = 'taker'): LedgerFill {
  return { id: `f-${side}-${price}-${amount}`, side, price: d(price), amount: d(amount), liquidity, time: 1 };
}

describe('fees and reservations', () => {
  it('charges fee = price × amount × rate exactly, maker or taker', () => {
    expect(feeFor(d('30000.01'), d('0.123'), 'taker', rules).toString()).toBe('7.38000246');
    expect(feeFor(d('30000.01'), d('0.123'), 'maker', rules).toString()).toBe('3.69000123');
  });

  it('a limit buy holds cost at the limit plus the taker fee; a sell holds its base', () => {
    const buy: ReserveRequest = { side: 'buy', amount: d('0.5'), limit: d('100.01') };
    expect(reservationFor(buy, rules)).toEqual({ asset: 'USDT', amount: d('50.10501') });
    expect(reservationFor({ side: 'sell', amount: d('0.5'), limit: null }, rules)).toEqual({
      asset: 'BTC',
      amount: d('0.5'),
    });
    expect(
      reservationFor({ side: 'buy', amount: d('1'), limit: null, quoteToReserve: d('12') }, rules),
    ).toEqual({ asset: 'USDT', amount: d('12') });
    expect(() => reservationFor({ side: 'buy', amount: d('1'), limit: null }, rules)).toThrow(/market buy/);
  });

  it('moves funds between free and reserved exactly, without touching the input', () => {
    const a = frozen(account({ USDT: '100', BTC: '0' }));
    const r = reserveFor(a, { side: 'buy', amount: d('0.5'), limit: d('100.01') }, rules);
    if (!r.ok) throw new Error(r.message);
    expect(r.account.balances.USDT).toBe('49.89499');
    expect(r.account.reserved.USDT).toBe('50.10501');
    expect(a.balances.USDT).toBe('100');
    const back = release(r.account, r.reservation);
    expect(back.balances.USDT).toBe('100');
    expect(back.reserved.USDT).toBe('0');
  });

  it('reports an insufficient balance with the numbers instead of throwing', () => {
    const r = reserveFor(
      account({ USDT: '50' }),
      { side: 'buy', amount: d('0.5'), limit: d('100.01') },
      rules,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.asset).toBe('USDT');
    expect(r.needed.toString()).toBe('50.10501');
    expect(r.available.toString()).toBe('50');
    expect(r.message).toContain('50.10501');
    const s = reserveFor(account({ USDT: '50' }), { side: 'sell', amount: d('1'), limit: null }, rules);
    expect(s.ok ? null : s.available.toString()).toBe('0');
  });

  it('per-fill shares of a reservation add up to it exactly', () => {
    const req: ReserveRequest = { side: 'buy', amount: d('1'), limit: d('99.97') };
    const parts = ['0.123', '0.456', '0.421'].map((a) => reservedForFill(req, d(a), rules));
    expect(Decimal.sum(parts).eq(reservationFor(req, rules).amount)).toBe(true);
  });

  it('refuses to release more than is reserved', () => {
    expect(() => release(account({ USDT: '1' }), { asset: 'USDT', amount: d('0.01') })).toThrow(/negative/);
  });
});

describe('applyFill', () => {
  it('a buy pays cost and fee in quote, receives base, and averages the entry with the fee', () => {
    const a = frozen(account({ USDT: '1000', BTC: '0' }));
    const r1 = applyFill(a, null, fill('buy', '100', '1'), rules, Decimal.ZERO);
    expect(r1.fee.toString()).toBe('0.2');
    expect(r1.account.balances).toEqual({ USDT: '899.8', BTC: '1' });
    expect(r1.position).toMatchObject({
      amount: '1',
      avgEntry: '100.2',
      realizedPnl: '0',
      symbol: 'BTC/USDT',
    });
    expect(r1.closed).toBeNull();
    const r2 = applyFill(r1.account, frozen(r1.position), fill('buy', '110', '1'), rules, Decimal.ZERO);
    expect(r2.position.avgEntry).toBe('105.21'); // (100.2 + 110.22) / 2
    expect(r2.account.balances.USDT).toBe('789.58');
  });

  it('a sell realises (price - entry) × amount - fee and reports the closed trade', () => {
    const pos: PositionRecord = frozen({
      accountId: 'paper-1',
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      amount: '2',
      avgEntry: '105.21',
      realizedPnl: '1',
      updatedAt: 0,
    });
    const a = frozen(account({ USDT: '0', BTC: '2' }));
    const r = applyFill(a, pos, fill('sell', '120', '0.5', 'maker'), rules, Decimal.ZERO);
    expect(r.fee.toString()).toBe('0.06');
    expect(r.account.balances).toEqual({ USDT: '59.94', BTC: '1.5' });
    expect(r.position).toMatchObject({ amount: '1.5', avgEntry: '105.21', realizedPnl: '8.335' });
    expect(r.closed).toMatchObject({ amount: '0.5', entry: '105.21', exit: '120', pnl: '7.335' });
    // Selling more than the position: only the held part realises, with its share of the fee.
    const all = applyFill(
      account({ USDT: '0', BTC: '3' }),
      pos,
      fill('sell', '100', '3', 'taker'),
      rules,
      Decimal.ZERO,
    );
    expect(all.closed).toMatchObject({ amount: '2', pnl: '-10.82' }); // (100-105.21)×2 - 0.4
    expect(all.position).toMatchObject({ amount: '0', avgEntry: '0' });
    expect(all.account.balances).toEqual({ USDT: '299.4', BTC: '0' });
  });

  it('a sell without a position realises nothing', () => {
    const r = applyFill(account({ BTC: '1' }), null, fill('sell', '100', '1'), rules, Decimal.ZERO);
    expect(r.closed).toBeNull();
    expect(r.position.amount).toBe('0');
    expect(r.account.balances.USDT).toBe('99.8');
  });

  it('settles from the reservation and returns what the fill did not use', () => {
    const req: ReserveRequest = { side: 'buy', amount: d('1'), limit: d('100') };
    const held = reserveFor(account({ USDT: '100.2' }), req, rules);
    if (!held.ok) throw new Error(held.message);
    const f = fill('buy', '99', '0.4', 'maker'); // a better price and a maker fee: some of its share is freed
    const r = applyFill(held.account, null, f, rules, reservedForFill(req, f.amount, rules));
    expect(r.account.reserved.USDT).toBe('60.12');
    expect(r.account.balances.USDT).toBe('0.4404'); // 40.08 share - 39.6 cost - 0.0396 fee
    expect(r.account.balances.BTC).toBe('0.4');
  });

  it('refuses to write a negative balance', () => {
    expect(() =>
      applyFill(account({ USDT: '100' }), null, fill('buy', '100', '1'), rules, Decimal.ZERO),
    ).toThrow(/Free USDT would go negative/);
    expect(() =>
      applyFill(account({ BTC: '0.5' }), null, fill('sell', '100', '1'), rules, Decimal.ZERO),
    ).toThrow(/Free BTC would go negative/);
    expect(() => applyFill(account({ USDT: '1000' }), null, fill('buy', '100', '1'), rules, d('1'))).toThrow(
      /Reserved USDT would go negative/,
    );
    expect(() =>
      applyFill(account({ USDT: '1000' }), null, fill('buy', '100', '0'), rules, Decimal.ZERO),
    ).toThrow(/above zero/);
  });
});

// ---- Conservation over random sessions -----------------------------------------------------------------

const feeSets = [
  { maker: '0.001', taker: '0.001' },
  { maker: '0', taker: '0.00075' },
  { maker: '-0.0001', taker: '0.0004' }, // a maker rebate
];
const grids = [
  { tick: '0.01', step: '0.001' },
  { tick: '0.5', step: '0.01' },
  { tick: '0.0001', step: '1' },
];

const levelsArb = fc.array(
  fc.record({ gap: fc.integer({ min: 1, max: 3 }), lots: fc.integer({ min: 1, max: 300 }) }),
  {
    maxLength: 15,
  },
);

type Event =
  | {
      kind: 'order';
      side: Side;
      market: boolean;
      offset: number;
      lots: number;
      tif: TimeInForce;
      postOnly: boolean;
    }
  | { kind: 'trade'; taker: Side; offset: number; lots: number }
  | {
      kind: 'book';
      shift: number;
      asks: Array<{ gap: number; lots: number }>;
      bids: Array<{ gap: number; lots: number }>;
    }
  | { kind: 'cancel' };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      side: fc.constantFrom<Side>('buy', 'sell'),
      market: fc.constantFrom(false, false, true),
      offset: fc.integer({ min: -8, max: 10 }),
      lots: fc.integer({ min: 1, max: 800 }),
      tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'IOC', 'FOK'),
      postOnly: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      taker: fc.constantFrom<Side>('buy', 'sell'),
      offset: fc.integer({ min: -5, max: 5 }),
      lots: fc.integer({ min: 1, max: 2000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('book' as const),
      shift: fc.integer({ min: -6, max: 6 }),
      asks: levelsArb,
      bids: levelsArb,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
);

interface Open {
  req: ReserveRequest;
  resting: RestingOrder;
}

/** Asset flows seen from the fills alone, independent of the ledger. */
class Flows {
  readonly received = new Map<string, Decimal>();
  readonly paid = new Map<string, Decimal>();
  readonly fees = new Map<string, Decimal>();
  private add(m: Map<string, Decimal>, asset: string, v: Decimal) {
    m.set(asset, (m.get(asset) ?? Decimal.ZERO).add(v));
  }
  record(r: MarketRules, side: Side, f: PaperFill) {
    const cost = f.price.mul(f.amount);
    this.add(this.fees, r.quote, f.price.mul(f.amount).mul(f.liquidity === 'maker' ? r.maker : r.taker));
    if (side === 'buy') {
      this.add(this.paid, r.quote, cost);
      this.add(this.received, r.base, f.amount);
    } else {
      this.add(this.paid, r.base, f.amount);
      this.add(this.received, r.quote, cost);
    }
  }
  of(m: Map<string, Decimal>, asset: string): Decimal {
    return m.get(asset) ?? Decimal.ZERO;
  }
}

function makeBook(r: MarketRules, midTicks: number, asks: LevelSpec[], bids: LevelSpec[]): BookSides {
  const side = (levels: LevelSpec[], dir: 1 | -1) => {
    let at = midTicks;
    const out: number[] = [];
    for (const { gap, lots } of levels) {
      at += dir * gap;
      if (at <= 0) break;
      out.push(r.tick.mul(at).toNumber(), r.step.mul(lots).toNumber());
    }
    return new Float64Array(out);
  };
  return { asks: side(asks, 1), bids: side(bids, -1) };
}
type LevelSpec = { gap: number; lots: number };

describe('ledger conservation', () => {
  it('free + reserved = starting + received - paid - fees for every asset, exactly, after any session', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.constantFrom(...feeSets),
        fc.integer({ min: 50, max: 50_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 5000 }),
        levelsArb,
        levelsArb,
        fc.array(eventArb, { minLength: 1, maxLength: 60, size: 'max' }),
        (grid, fees, midTicks0, quoteUnits, baseLots, asks0, bids0, events) => {
          const r = rulesWith(grid.tick, grid.step, fees.maker, fees.taker);
          const start = { USDT: d(quoteUnits).div(100, 2, 'floor'), BTC: r.step.mul(baseLots) };
          let acct = account({ USDT: start.USDT.toString(), BTC: start.BTC.toString() });
          let position: PositionRecord | null = null;
          let midTicks = midTicks0;
          let book = makeBook(r, midTicks, asks0, bids0);
          let open: Open[] = [];
          const flows = new Flows();
          let fillCount = 0;

          const book1 = (req: ReserveRequest, f: PaperFill, portion: Decimal) => {
            expect(f.amount.isPositive() && f.amount.isMultipleOf(r.step)).toBe(true);
            flows.record(r, req.side, f);
            const out = applyFill(
              acct,
              position,
              {
                id: `f${fillCount++}`,
                side: req.side,
                price: f.price,
                amount: f.amount,
                liquidity: f.liquidity,
                time: fillCount,
              },
              r,
              portion,
            );
            acct = out.account;
            position = out.position;
          };

          const check = () => {
            for (const asset of ['USDT', 'BTC'] as const) {
              const total = balanceOf(acct.balances, asset).add(balanceOf(acct.reserved, asset));
              const expected = start[asset]
                .add(flows.of(flows.received, asset))
                .sub(flows.of(flows.paid, asset))
                .sub(flows.of(flows.fees, asset));
              expect(total.toString()).toBe(expected.toString());
              // The same statement the other way round: what is left plus fees paid is the net value flow.
              expect(
                total
                  .add(flows.of(flows.fees, asset))
                  .eq(start[asset].add(flows.of(flows.received, asset)).sub(flows.of(flows.paid, asset))),
              ).toBe(true);
              expect(balanceOf(acct.balances, asset).isNegative()).toBe(false);
              expect(balanceOf(acct.reserved, asset).isNegative()).toBe(false);
            }
            // Reserved equals the sum of the open orders' remaining shares.
            const held = { USDT: Decimal.ZERO, BTC: Decimal.ZERO };
            for (const o of open) {
              const asset = o.req.side === 'buy' ? 'USDT' : 'BTC';
              held[asset] = held[asset].add(reservedForFill(o.req, o.resting.remaining, r));
            }
            expect(balanceOf(acct.reserved, 'USDT').eq(held.USDT)).toBe(true);
            expect(balanceOf(acct.reserved, 'BTC').eq(held.BTC)).toBe(true);
          };

          const makerFill = (o: Open, f: PaperFill | null, queueAhead: Decimal): Open | null => {
            if (f) {
              expect(f.price.eq(o.resting.limit)).toBe(true);
              book1(o.req, f, reservedForFill(o.req, f.amount, r));
            }
            const remaining = o.resting.remaining.sub(f?.amount ?? Decimal.ZERO);
            expect(remaining.isNegative()).toBe(false);
            return remaining.isZero()
              ? null
              : { req: o.req, resting: { ...o.resting, remaining, queueAhead } };
          };

          for (const e of events) {
            if (e.kind === 'order') {
              const limit = e.market
                ? null
                : r.tick.mul(midTicks + (e.side === 'buy' ? e.offset : -e.offset));
              const amount = r.step.mul(e.lots);
              const req: ReserveRequest = { side: e.side, amount, limit };
              if (e.side === 'buy' && limit === null)
                req.quoteToReserve = estimateFill('buy', amount, book, r).cost.mul(Decimal.ONE.add(r.taker));
              const held = reserveFor(acct, req, r);
              if (!held.ok) {
                expect(held.available.lt(held.needed)).toBe(true);
                continue;
              }
              acct = held.account;
              const res = matchOnArrival(
                { side: e.side, limit, remaining: amount, tif: e.tif, postOnly: e.postOnly && !e.market },
                book,
                r,
              );
              const filled = Decimal.sum(res.fills.map((f) => f.amount));
              expect(filled.add(res.rest).add(res.expired).eq(amount)).toBe(true);
              if (limit === null && e.side === 'buy') {
                // A market buy holds an estimate: give it back whole, pay the fills from free.
                acct = release(acct, held.reservation);
                for (const f of res.fills) book1(req, f, Decimal.ZERO);
              } else {
                for (const f of res.fills) book1(req, f, reservedForFill(req, f.amount, r));
                if (res.expired.isPositive())
                  acct = release(acct, {
                    asset: held.reservation.asset,
                    amount: reservedForFill(req, res.expired, r),
                  });
                if (res.rest.isPositive())
                  open.push({
                    req,
                    resting: {
                      side: e.side,
                      limit: limit!,
                      remaining: res.rest,
                      queueAhead: res.queueAhead!,
                    },
                  });
              }
            } else if (e.kind === 'trade') {
              const price = r.tick.mul(midTicks + e.offset);
              if (!price.isPositive()) continue;
              const t = {
                id: 't',
                time: 0,
                price: price.toNumber(),
                amount: r.step.mul(e.lots).toNumber(),
                side: e.taker,
              };
              open = open.flatMap((o) => {
                const m = matchOnTrade(o.resting, t, r);
                return makerFill(o, m.fill, m.queueAhead) ?? [];
              });
            } else if (e.kind === 'book') {
              midTicks = Math.max(20, midTicks + e.shift);
              book = makeBook(r, midTicks, e.asks, e.bids);
              open = open.flatMap((o) => {
                const m = matchOnBook(o.resting, book, r);
                return makerFill(o, m.fill, m.queueAhead) ?? [];
              });
            } else {
              const o = open.shift();
              if (o)
                acct = release(acct, {
                  asset: o.req.side === 'buy' ? 'USDT' : 'BTC',
                  amount: reservedForFill(o.req, o.resting.remaining, r),
                });
            }
            check();
          }
          for (const o of open)
            acct = release(acct, {
              asset: o.req.side === 'buy' ? 'USDT' : 'BTC',
              amount: reservedForFill(o.req, o.resting.remaining, r),
            });
          open = [];
          check();
          expect(balanceOf(acct.reserved, 'USDT').isZero() && balanceOf(acct.reserved, 'BTC').isZero()).toBe(
            true,
          );
          // The position never holds more than was bought.
          const pos = position as PositionRecord | null;
          if (pos) expect(d(pos.amount).lte(flows.of(flows.received, 'BTC'))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
