import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { TapeTrade } from '../../market/trade-tape.js';
import type { Side, TimeInForce } from '../types.js';
import {
  estimateFill,
  marketSlippageCap,
  matchOnArrival,
  matchOnBook,
  matchOnTrade,
  type ArrivalResult,
  type ArrivingOrder,
  type BookSides,
  type RestingOrder,
} from './paper-matcher.js';

const d = (v: string | number) => Decimal.from(v);

function rulesWith(tick: string, step: string): MarketRules {
  return {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    tick: d(tick),
    step: d(step),
    minAmount: null,
    minNotional: null,
    maker: d('0.001'),
    taker: d('0.002'),
    priceDecimals: 2,
    amountDecimals: 3,
  };
}

const rules = rulesWith('0.01', '0.001');

/** A book from [price, size] rows, best first. */
function book(bids: Array<[number, number]>, asks: Array<[number, number]>): BookSides {
  return { bids: new Float64Array(bids.flat()), asks: new Float64Array(asks.flat()) };
}

function order(o: Partial<ArrivingOrder> & { side: Side; remaining: Decimal }): ArrivingOrder {
  return { limit: null, tif: 'GTC', postOnly: false, ...o };
}

/** Fills as plain text, for readable expectations. */
function rows(r: ArrivalResult): Array<[string, string]> {
  return r.fills.map((f) => [f.price.toString(), f.amount.toString()]);
}

function trade(side: Side, price: number, amount: number): TapeTrade {
  return { id: `${side}-${price}-${amount}`, time: 0, price, amount, side };
}

const sample = book(
  [
    [99.99, 1],
    [99.98, 2],
    [99.5, 3],
  ],
  [
    [100.01, 0.5],
    [100.02, 1.25],
    [100.5, 2],
  ],
);

describe('matchOnArrival: market orders', () => {
  it('walks the asks level by level at each level price', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('1') }), sample, rules);
    expect(rows(r)).toEqual([
      ['100.01', '0.5'],
      ['100.02', '0.5'],
    ]);
    expect(r.fills.every((f) => f.liquidity === 'taker')).toBe(true);
    expect(r.rest.isZero() && r.expired.isZero() && r.rejected === null && r.queueAhead === null).toBe(true);
  });

  it('expires what a thin book cannot fill, even with GTC', () => {
    const r = matchOnArrival(order({ side: 'sell', remaining: d('7.5'), tif: 'GTC' }), sample, rules);
    expect(rows(r)).toEqual([
      ['99.99', '1'],
      ['99.98', '2'],
      ['99.5', '3'],
    ]);
    expect(r.expired.toString()).toBe('1.5');
    expect(r.rest.isZero()).toBe(true);
  });

  it('stops at the slippage cap: a level exactly 10 % away fills, one tick beyond does not', () => {
    expect(marketSlippageCap.toString()).toBe('0.1');
    const b = book(
      [],
      [
        [100, 1],
        [110, 1],
        [110.01, 5],
      ],
    );
    const r = matchOnArrival(order({ side: 'buy', remaining: d('4') }), b, rules);
    expect(rows(r)).toEqual([
      ['100', '1'],
      ['110', '1'],
    ]);
    expect(r.expired.toString()).toBe('2');
    const s = matchOnArrival(
      order({ side: 'sell', remaining: d('3') }),
      book(
        [
          [100, 1],
          [90, 1],
          [89.99, 1],
        ],
        [],
      ),
      rules,
    );
    expect(rows(s).map((x) => x[0])).toEqual(['100', '90']);
  });

  it('expires everything in an empty book', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('1') }), book([], []), rules);
    expect(r.fills).toEqual([]);
    expect(r.expired.toString()).toBe('1');
  });

  it('floors each fill to the lot and skips levels smaller than a lot', () => {
    const b = book(
      [],
      [
        [100, 0.0004],
        [100.01, 0.0127],
        [100.02, 1],
      ],
    );
    const r = matchOnArrival(order({ side: 'buy', remaining: d('0.02') }), b, rules);
    expect(rows(r)).toEqual([
      ['100.01', '0.012'],
      ['100.02', '0.008'],
    ]);
  });

  it('a market FOK that cannot fill in full is rejected and fills nothing', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('10'), tif: 'FOK' }), sample, rules);
    expect(r.fills).toEqual([]);
    expect(r.rejected).toMatch(/^FOK: only 3\.75 of 10 available/);
    expect(r.expired.toString()).toBe('10');
  });

  it('rejects post-only without a limit price', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('1'), postOnly: true }), sample, rules);
    expect(r.rejected).toMatch(/post-only/);
    expect(r.fills).toEqual([]);
  });
});

describe('matchOnArrival: limit orders', () => {
  it('takes only levels at or better than the limit, at the level price, and rests the rest', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('2'), limit: d('100.02') }), sample, rules);
    expect(rows(r)).toEqual([
      ['100.01', '0.5'],
      ['100.02', '1.25'],
    ]);
    expect(r.rest.toString()).toBe('0.25');
    expect(r.expired.isZero()).toBe(true);
    expect(r.queueAhead?.toString()).toBe('0');
  });

  it('a resting limit is queued behind the size visible at its own price', () => {
    const r = matchOnArrival(order({ side: 'buy', remaining: d('1'), limit: d('99.98') }), sample, rules);
    expect(r.fills).toEqual([]);
    expect(r.rest.toString()).toBe('1');
    expect(r.queueAhead?.toString()).toBe('2');
    const s = matchOnArrival(order({ side: 'sell', remaining: d('1'), limit: d('100.3') }), sample, rules);
    expect(s.queueAhead?.toString()).toBe('0');
    const t = matchOnArrival(order({ side: 'sell', remaining: d('1'), limit: d('100.5') }), sample, rules);
    expect(t.queueAhead?.toString()).toBe('2');
  });

  it('IOC expires the unfilled part instead of resting', () => {
    const r = matchOnArrival(
      order({ side: 'sell', remaining: d('2'), limit: d('99.98'), tif: 'IOC' }),
      sample,
      rules,
    );
    expect(rows(r)).toEqual([
      ['99.99', '1'],
      ['99.98', '1'],
    ]);
    const s = matchOnArrival(
      order({ side: 'sell', remaining: d('5'), limit: d('99.98'), tif: 'IOC' }),
      sample,
      rules,
    );
    expect(s.expired.toString()).toBe('2');
    expect(s.rest.isZero() && s.queueAhead === null).toBe(true);
  });

  it('FOK fills in full when it can and is rejected with the numbers when it cannot', () => {
    const ok = matchOnArrival(
      order({ side: 'buy', remaining: d('1.75'), limit: d('100.02'), tif: 'FOK' }),
      sample,
      rules,
    );
    expect(ok.rejected).toBeNull();
    expect(Decimal.sum(ok.fills.map((f) => f.amount)).toString()).toBe('1.75');
    const no = matchOnArrival(
      order({ side: 'buy', remaining: d('1.76'), limit: d('100.02'), tif: 'FOK' }),
      sample,
      rules,
    );
    expect(no.fills).toEqual([]);
    expect(no.rejected).toBe('FOK: only 1.75 of 1.76 available at or better than 100.02');
    expect(no.expired.toString()).toBe('1.76');
  });

  it('post-only is rejected when it would take, and rests when it would not', () => {
    const no = matchOnArrival(
      order({ side: 'buy', remaining: d('1'), limit: d('100.01'), postOnly: true }),
      sample,
      rules,
    );
    expect(no.rejected).toBe(
      'post-only order would take liquidity: best ask 100.01 is at or below your limit 100.01',
    );
    expect(no.fills).toEqual([]);
    const sell = matchOnArrival(
      order({ side: 'sell', remaining: d('1'), limit: d('99'), postOnly: true }),
      sample,
      rules,
    );
    expect(sell.rejected).toBe(
      'post-only order would take liquidity: best bid 99.99 is at or above your limit 99',
    );
    const ok = matchOnArrival(
      order({ side: 'buy', remaining: d('1'), limit: d('100'), postOnly: true }),
      sample,
      rules,
    );
    expect(ok.rejected).toBeNull();
    expect(ok.rest.toString()).toBe('1');
  });

  it('throws on a non-positive amount or limit', () => {
    expect(() => matchOnArrival(order({ side: 'buy', remaining: d('0') }), sample, rules)).toThrow(
      /amount must be above zero/,
    );
    expect(() =>
      matchOnArrival(order({ side: 'buy', remaining: d('1'), limit: d('-1') }), sample, rules),
    ).toThrow(/Limit price must be above zero/);
  });
});

describe('matchOnTrade', () => {
  const resting: RestingOrder = { side: 'buy', limit: d('100'), remaining: d('1'), queueAhead: d('2') };

  it('ignores trades whose taker is on our own side', () => {
    const r = matchOnTrade(resting, trade('buy', 99, 10), rules);
    expect(r.fill).toBeNull();
    expect(r.queueAhead.toString()).toBe('2');
  });

  it('a trade at our price eats the queue first, then fills us in part', () => {
    const a = matchOnTrade(resting, trade('sell', 100, 1.5), rules);
    expect(a.fill).toBeNull();
    expect(a.queueAhead.toString()).toBe('0.5');
    const b = matchOnTrade({ ...resting, queueAhead: a.queueAhead }, trade('sell', 100, 0.8), rules);
    expect(b.fill).toEqual({ price: d('100'), amount: d('0.3'), liquidity: 'maker' });
    expect(b.queueAhead.toString()).toBe('0');
  });

  it('a trade through our price fills us at our own price, queue or not', () => {
    const r = matchOnTrade(resting, trade('sell', 99.5, 3), rules);
    expect(r.fill?.price.toString()).toBe('100');
    expect(r.fill?.amount.toString()).toBe('1');
    expect(r.queueAhead.isZero()).toBe(true);
    const s = matchOnTrade(
      { side: 'sell', limit: d('100'), remaining: d('5'), queueAhead: d('9') },
      trade('buy', 100.5, 0.25),
      rules,
    );
    expect(s.fill?.amount.toString()).toBe('0.25');
  });

  it('a trade at a worse price does nothing', () => {
    const r = matchOnTrade(resting, trade('sell', 100.01, 5), rules);
    expect(r.fill).toBeNull();
    expect(r.queueAhead.toString()).toBe('2');
  });

  it('compares the float trade price to the limit exactly', () => {
    const r: RestingOrder = { side: 'buy', limit: d('0.3'), remaining: d('1'), queueAhead: d('0') };
    expect(matchOnTrade(r, trade('sell', 0.1 + 0.2, 1), rules).fill).toBeNull(); // 0.30000000000000004
    expect(matchOnTrade(r, trade('sell', 0.3, 1), rules).fill?.amount.toString()).toBe('1');
  });

  it('floors the maker fill to the lot', () => {
    const r = matchOnTrade(
      { ...resting, queueAhead: d('0') },
      trade('sell', 100, 0.0129),
      rulesWith('0.01', '0.01'),
    );
    expect(r.fill?.amount.toString()).toBe('0.01');
    expect(
      matchOnTrade({ ...resting, queueAhead: d('0') }, trade('sell', 100, 0.0004), rules).fill,
    ).toBeNull();
  });
});

describe('matchOnBook', () => {
  const resting: RestingOrder = { side: 'buy', limit: d('99.98'), remaining: d('1'), queueAhead: d('1.5') };

  it('shrinks the queue when size at our price is cancelled, and never grows it', () => {
    const lower = book(
      [
        [99.99, 1],
        [99.98, 0.4],
      ],
      [[100.01, 1]],
    );
    expect(matchOnBook(resting, lower, rules).queueAhead.toString()).toBe('0.4');
    expect(matchOnBook(resting, sample, rules).queueAhead.toString()).toBe('1.5'); // 2 visible now
  });

  it('puts us at the front when our level is gone inside the visible range', () => {
    const gone = book(
      [
        [99.97, 1],
        [99.9, 1],
      ],
      [[100.01, 1]],
    );
    expect(matchOnBook(resting, gone, rules).queueAhead.isZero()).toBe(true);
    const shallow = book([[99.99, 1]], [[100.01, 1]]); // the view stops above our price
    expect(matchOnBook(resting, shallow, rules).queueAhead.toString()).toBe('1.5');
  });

  it('fills us as a maker at our price when the other side crosses it', () => {
    const crossed = book(
      [[99.9, 1]],
      [
        [99.97, 0.3],
        [99.98, 0.4005],
        [99.99, 5],
      ],
    );
    const r = matchOnBook(resting, crossed, rules);
    expect(r.fill).toEqual({ price: d('99.98'), amount: d('0.7'), liquidity: 'maker' });
    expect(r.queueAhead.isZero()).toBe(true);
    const sell = matchOnBook(
      { side: 'sell', limit: d('100'), remaining: d('0.5'), queueAhead: d('0') },
      book([[100.2, 3]], [[100.3, 1]]),
      rules,
    );
    expect(sell.fill?.amount.toString()).toBe('0.5');
    expect(sell.fill?.price.toString()).toBe('100');
  });
});

describe('estimateFill', () => {
  it('reports what a market order would get: average, worst, cost, levels, slippage', () => {
    const e = estimateFill('buy', d('1'), sample, rules);
    expect(e.filled.toString()).toBe('1');
    expect(e.cost.toString()).toBe('100.015');
    expect(e.avgPrice?.toString()).toBe('100.015');
    expect(e.worstPrice?.toString()).toBe('100.02');
    expect(e.levels).toBe(2);
    expect(e.slippageBps).toBeCloseTo((0.005 / 100.01) * 10_000, 9);
    const none = estimateFill('sell', d('1'), book([], []), rules);
    expect(none).toMatchObject({ avgPrice: null, worstPrice: null, levels: 0, slippageBps: 0 });
    expect(none.filled.isZero()).toBe(true);
  });
});

// ---- Properties over random books on a tick grid with lot-multiple sizes -------------------------------

const grids = [
  { tick: '0.01', step: '0.001' },
  { tick: '0.5', step: '1' },
  { tick: '0.0001', step: '0.1' },
  { tick: '1', step: '0.00001' },
];

interface Scenario {
  rules: MarketRules;
  book: BookSides;
  /** Exact level prices and sizes, for checking the matcher against the book it saw. */
  asks: Array<[Decimal, Decimal]>;
  bids: Array<[Decimal, Decimal]>;
}

const levelArb = fc.record({
  gap: fc.integer({ min: 1, max: 4 }),
  lots: fc.integer({ min: 0, max: 400 }),
  // Mostly lot multiples; sometimes a sub-lot tail the matcher must floor away.
  tail: fc.constantFrom('0', '0', '0', '0.3', '0.75'),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    grid: fc.constantFrom(...grids),
    midTicks: fc.integer({ min: 400, max: 200_000 }),
    asks: fc.array(levelArb, { maxLength: 25, size: 'max' }),
    bids: fc.array(levelArb, { maxLength: 25, size: 'max' }),
  })
  .map(({ grid, midTicks, asks, bids }) => {
    const r = rulesWith(grid.tick, grid.step);
    const side = (levels: typeof asks, dir: 1 | -1) => {
      let at = midTicks;
      return levels.map(({ gap, lots, tail }): [Decimal, Decimal] => {
        at += dir * gap;
        return [r.tick.mul(at), r.step.mul(d(lots).add(tail))];
      });
    };
    const a = side(asks, 1);
    const b = side(bids, -1);
    const floats = (xs: Array<[Decimal, Decimal]>) =>
      new Float64Array(xs.flatMap(([p, s]) => [p.toNumber(), s.toNumber()]));
    return { rules: r, book: { asks: floats(a), bids: floats(b) }, asks: a, bids: b };
  });

const orderArb = fc.record({
  side: fc.constantFrom<Side>('buy', 'sell'),
  market: fc.boolean(),
  /** Limit offset in ticks from the mid: positive is more aggressive. */
  offset: fc.integer({ min: -30, max: 120 }),
  lots: fc.integer({ min: 1, max: 3000 }),
  tif: fc.constantFrom<TimeInForce>('GTC', 'IOC', 'FOK'),
  postOnly: fc.boolean(),
});

function toOrder(s: Scenario, o: OrderSpec): ArrivingOrder {
  const mid = s.asks[0]?.[0] ?? s.bids[0]?.[0] ?? s.rules.tick.mul(1000);
  const limit = mid.add(s.rules.tick.mul(o.side === 'buy' ? o.offset : -o.offset));
  return {
    side: o.side,
    limit: o.market || !limit.isPositive() ? null : limit,
    remaining: s.rules.step.mul(o.lots),
    tif: o.tif,
    postOnly: o.postOnly && !o.market,
  };
}
type OrderSpec = {
  side: Side;
  market: boolean;
  offset: number;
  lots: number;
  tif: TimeInForce;
  postOnly: boolean;
};

describe('paper matcher properties', () => {
  it('fills add up, are positive lot multiples, and are never better than the book allowed', () => {
    fc.assert(
      fc.property(scenarioArb, orderArb, (s, spec) => {
        const o = toOrder(s, spec);
        const r = matchOnArrival(o, s.book, s.rules);
        const filled = Decimal.sum(r.fills.map((f) => f.amount));
        expect(filled.lte(o.remaining)).toBe(true);
        expect(filled.add(r.rest).add(r.expired).eq(o.remaining)).toBe(true);
        const against = o.side === 'buy' ? s.asks : s.bids;
        const best = against.find(([, size]) => size.isPositive())?.[0];
        const better = (a: Decimal, b: Decimal) => (o.side === 'buy' ? a.lt(b) : a.gt(b));
        for (const f of r.fills) {
          expect(f.amount.isPositive() && f.amount.isMultipleOf(s.rules.step)).toBe(true);
          expect(best !== undefined && !better(f.price, best)).toBe(true);
          if (o.limit) expect(better(o.limit, f.price)).toBe(false);
          else {
            const band = best!.mul(marketSlippageCap);
            const bound = o.side === 'buy' ? best!.add(band) : best!.sub(band);
            expect(better(bound, f.price)).toBe(false);
          }
          // Each fill is at a real level's own price and takes at most its size.
          const level = against.find(([p]) => p.eq(f.price));
          expect(level && f.amount.lte(level[1])).toBeTruthy();
        }
        expect(new Set(r.fills.map((f) => f.price.toString())).size).toBe(r.fills.length);
        if (r.rejected !== null) expect(r.fills.length + r.rest.sign()).toBe(0);
        if (o.tif === 'FOK' && r.rejected === null) expect(filled.eq(o.remaining)).toBe(true);
        if (o.postOnly && r.rejected === null) expect(r.fills).toEqual([]);
        if (r.rest.isPositive()) {
          expect(o.limit !== null && o.tif === 'GTC').toBe(true);
          const own = (o.side === 'buy' ? s.bids : s.asks).find(([p]) => p.eq(o.limit!));
          expect(r.queueAhead?.eq(own?.[1] ?? Decimal.ZERO)).toBe(true);
        } else expect(r.queueAhead).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('the preview walks exactly as a market order fills', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom<Side>('buy', 'sell'),
        fc.integer({ min: 1, max: 5000 }),
        (s, side, lots) => {
          const amount = s.rules.step.mul(lots);
          const e = estimateFill(side, amount, s.book, s.rules);
          const r = matchOnArrival(
            { side, limit: null, remaining: amount, tif: 'IOC', postOnly: false },
            s.book,
            s.rules,
          );
          expect(e.filled.eq(Decimal.sum(r.fills.map((f) => f.amount)))).toBe(true);
          expect(e.cost.eq(Decimal.sum(r.fills.map((f) => f.price.mul(f.amount))))).toBe(true);
          expect(e.levels).toBe(r.fills.length);
          expect(e.slippageBps >= 0).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a resting order never fills while same-price tape volume is below its queue, and fills at its limit', () => {
    const tapeArb = fc.array(
      fc.record({
        taker: fc.constantFrom<Side>('buy', 'sell'),
        where: fc.constantFrom('at', 'at', 'at', 'worse'),
        lots: fc.integer({ min: 1, max: 300 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...grids),
        fc.constantFrom<Side>('buy', 'sell'),
        fc.integer({ min: 100, max: 100_000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 1000 }),
        tapeArb,
        (grid, side, priceTicks, queueLots, lots, tape) => {
          const r = rulesWith(grid.tick, grid.step);
          const limit = r.tick.mul(priceTicks);
          const queue0 = r.step.mul(queueLots);
          let resting: RestingOrder = { side, limit, remaining: r.step.mul(lots), queueAhead: queue0 };
          let cumAtPrice = Decimal.ZERO;
          let filled = Decimal.ZERO;
          for (const t of tape) {
            const worse = r.tick.mul(side === 'buy' ? 1 : -1);
            const price = t.where === 'at' ? limit : limit.add(worse);
            const amount = r.step.mul(t.lots);
            const opposite = t.taker !== side;
            if (opposite && t.where === 'at') cumAtPrice = cumAtPrice.add(amount);
            const res = matchOnTrade(
              resting,
              { id: 'x', time: 0, price: price.toNumber(), amount: amount.toNumber(), side: t.taker },
              r,
            );
            if (cumAtPrice.lte(queue0)) expect(res.fill).toBeNull();
            expect(res.queueAhead.eq(Decimal.max(Decimal.ZERO, queue0.sub(cumAtPrice)))).toBe(true);
            if (res.fill) {
              expect(res.fill.price.eq(limit)).toBe(true);
              expect(res.fill.liquidity).toBe('maker');
              expect(res.fill.amount.isPositive() && res.fill.amount.isMultipleOf(r.step)).toBe(true);
              filled = filled.add(res.fill.amount);
              // Filled so far is exactly what passed beyond the queue, capped by the order.
              expect(filled.eq(Decimal.min(r.step.mul(lots), cumAtPrice.sub(queue0)))).toBe(true);
            }
            const remaining = resting.remaining.sub(res.fill?.amount ?? Decimal.ZERO);
            if (remaining.isZero()) break;
            resting = { ...resting, remaining, queueAhead: res.queueAhead };
          }
          expect(filled.lte(r.step.mul(lots))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('book updates never lengthen the queue, and crossing fills are makers at the limit', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom<Side>('buy', 'sell'),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        (s, side, offset, queueLots, lots) => {
          const mid = s.asks[0]?.[0] ?? s.bids[0]?.[0] ?? s.rules.tick.mul(1000);
          const limit = mid.add(s.rules.tick.mul(side === 'buy' ? offset : -offset));
          fc.pre(limit.isPositive());
          const resting: RestingOrder = {
            side,
            limit,
            remaining: s.rules.step.mul(lots),
            queueAhead: s.rules.step.mul(queueLots),
          };
          const r = matchOnBook(resting, s.book, s.rules);
          expect(r.queueAhead.lte(resting.queueAhead) && !r.queueAhead.isNegative()).toBe(true);
          const crossing = Decimal.sum(
            (side === 'buy' ? s.asks : s.bids)
              .filter(([p]) => (side === 'buy' ? p.lte(limit) : p.gte(limit)))
              .map(([, size]) => size),
          );
          const expected = Decimal.min(resting.remaining, crossing).roundToStep(s.rules.step, 'floor');
          if (expected.isZero()) expect(r.fill).toBeNull();
          else expect(r.fill).toEqual({ price: limit, amount: expected, liquidity: 'maker' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
