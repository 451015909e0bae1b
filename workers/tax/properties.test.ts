import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.js';
import { taxReport } from './report.js';
import { normalizeTrades } from './trades.js';
import { METHODS, type Method, type TaxReport, type Trade } from './types.js';

/**
 * Random valid trade histories: up to three (account, asset) books, quantities with up to 3 decimals,
 * prices and fees in cents, dates moving forward by 0 to 400 days (so many sales fall near an
 * anniversary and across 29 Februaries). A sale sells at most what its book holds; with nothing held
 * it becomes a buy.
 */
const step = fc.record({
  book: fc.integer({ min: 0, max: 2 }),
  sell: fc.boolean(),
  units: fc.integer({ min: 1, max: 5000 }),
  unitScale: fc.integer({ min: 0, max: 3 }),
  priceCents: fc.integer({ min: 0, max: 1_000_000 }),
  feeCents: fc.integer({ min: 0, max: 2000 }),
  gap: fc.integer({ min: 0, max: 400 }),
  sellAll: fc.boolean(),
});

const BOOKS = [
  { account: 'a', asset: 'X' },
  { account: 'a', asset: 'Y' },
  { account: 'b', asset: 'X' },
] as const;

const histories = fc.array(step, { minLength: 1, maxLength: 30 }).map((steps) => {
  const held = [Decimal.ZERO, Decimal.ZERO, Decimal.ZERO];
  let day = Date.UTC(2019, 0, 1);
  return normalizeTrades(
    steps.map((s, k) => {
      day += s.gap * 86_400_000;
      const want = dec(s.units).div(10 ** s.unitScale, s.unitScale, 'down');
      const h = held[s.book] as Decimal;
      const sell = s.sell && h.isPositive();
      const qty = sell ? (s.sellAll || want.gt(h) ? h : want) : want;
      held[s.book] = sell ? h.sub(qty) : h.add(qty);
      return {
        id: k + 1,
        ...BOOKS[s.book],
        date: new Date(day).toISOString().slice(0, 10),
        side: sell ? 'sell' : 'buy',
        qty: qty.toString(),
        price: dec(s.priceCents).div(100, 2, 'down').toString(),
        fee: dec(s.feeCents).div(100, 2, 'down').toString(),
      };
    }),
    { timeZone: 'UTC' },
  );
});

const methods = fc.constantFrom(...METHODS);
const RUNS = { numRuns: 150 };

const bookOf = (t: { account: string; asset: string }) => `${t.account}/${t.asset}`;
const sumOf = (xs: Decimal[]) => Decimal.sum(xs);

function run(trades: Trade[], method: Method, jurisdiction: 'AU' | 'none' = 'AU'): TaxReport {
  return taxReport(trades, { jurisdiction, method });
}

describe('tax lots: properties over random trade histories', () => {
  it('matches each sale in full, and splits its net proceeds exactly', () => {
    fc.assert(
      fc.property(histories, methods, (trades, method) => {
        const r = run(trades, method);
        for (const sale of trades.filter((t) => t.side === 'sell')) {
          const ms = r.matches.filter((m) => m.sell_trade === sale.id);
          expect(sumOf(ms.map((m) => m.qty)).eq(sale.qty)).toBe(true);
          expect(sumOf(ms.map((m) => m.proceeds)).eq(sale.qty.mul(sale.price).sub(sale.fee))).toBe(true);
          for (const m of ms) expect(m.gain.eq(m.proceeds.sub(m.cost_base))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('gives each lot exactly its cost base: matched parts plus what is left (FIFO, LIFO, HIFO)', () => {
    fc.assert(
      fc.property(histories, fc.constantFrom<Method>('FIFO', 'LIFO', 'HIFO'), (trades, method) => {
        const r = run(trades, method);
        for (const lot of r.lots) {
          const matched = sumOf(r.matches.filter((m) => m.lot === lot.lot).map((m) => m.cost_base));
          const left = r.remaining_lots.find((l) => l.lot === lot.lot)?.cost_base ?? Decimal.ZERO;
          expect(
            matched.add(left).eq(lot.cost_base),
            `${lot.lot} ${matched} + ${left} vs ${lot.cost_base}`,
          ).toBe(true);
          if (lot.remaining_qty.isZero()) expect(matched.eq(lot.cost_base)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('makes the gains add up to proceeds minus the cost consumed, for every method', () => {
    fc.assert(
      fc.property(histories, methods, (trades, method) => {
        const r = run(trades, method);
        const bought = sumOf(r.lots.map((l) => l.cost_base));
        const left = sumOf(r.remaining_lots.map((l) => l.cost_base));
        const proceeds = sumOf(
          trades.filter((t) => t.side === 'sell').map((t) => t.qty.mul(t.price).sub(t.fee)),
        );
        const gains = sumOf(r.matches.map((m) => m.gain));
        expect(gains.eq(proceeds.sub(bought.sub(left)))).toBe(true);
        expect(r.realised_gain_total.eq(gains)).toBe(true);
        expect(sumOf(r.years.map((y) => y.realised_gain_total)).eq(gains)).toBe(true);
      }),
      RUNS,
    );
  });

  it('leaves open in each book what was bought minus what was sold', () => {
    fc.assert(
      fc.property(histories, methods, (trades, method) => {
        const r = run(trades, method);
        const lotBook = new Map(r.lots.map((l) => [l.lot, bookOf(l)]));
        for (const b of BOOKS) {
          const mine = trades.filter((t) => bookOf(t) === bookOf(b));
          const net = sumOf(mine.map((t) => (t.side === 'buy' ? t.qty : t.qty.neg())));
          const open = sumOf(
            r.remaining_lots.filter((l) => lotBook.get(l.lot) === bookOf(b)).map((l) => l.qty),
          );
          expect(open.eq(net)).toBe(true);
        }
        expect(r.remaining_lots.every((l) => l.qty.isPositive())).toBe(true);
      }),
      RUNS,
    );
  });

  it('consumes lots in method order: each sale takes a prefix of the open lots, all but the last whole', () => {
    fc.assert(
      fc.property(histories, fc.constantFrom<Method>('FIFO', 'LIFO', 'HIFO'), (trades, method) => {
        const r = run(trades, method);
        const order = new Map(r.lots.map((l, k) => [l.lot, k]));
        const openQty = new Map(r.lots.map((l) => [l.lot, Decimal.ZERO]));
        const lotsByTrade = new Map(r.lots.map((l) => [l.buy_trade, l]));
        const first = (a: (typeof r.lots)[number], b: (typeof r.lots)[number]) => {
          if (method === 'FIFO') return (order.get(a.lot) as number) - (order.get(b.lot) as number);
          if (method === 'LIFO') return (order.get(b.lot) as number) - (order.get(a.lot) as number);
          // Highest unit cost base first, compared exactly; ties: the older lot.
          const c = b.cost_base.mul(a.qty).cmp(a.cost_base.mul(b.qty));
          return c !== 0 ? c : (order.get(a.lot) as number) - (order.get(b.lot) as number);
        };
        for (const t of trades) {
          if (t.side === 'buy') {
            const lot = lotsByTrade.get(t.id)!;
            openQty.set(lot.lot, lot.qty);
            continue;
          }
          const open = r.lots
            .filter((l) => bookOf(l) === bookOf(t) && (openQty.get(l.lot) as Decimal).isPositive())
            .sort(first);
          const ms = r.matches.filter((m) => m.sell_trade === t.id);
          expect(ms.map((m) => m.lot)).toEqual(open.slice(0, ms.length).map((l) => l.lot));
          ms.forEach((m, k) => {
            const had = openQty.get(m.lot) as Decimal;
            if (k < ms.length - 1) expect(m.qty.eq(had)).toBe(true);
            openQty.set(m.lot, had.sub(m.qty));
          });
        }
      }),
      RUNS,
    );
  });

  it('keeps the average-cost pool whole: matched plus remaining cost is what was bought', () => {
    fc.assert(
      fc.property(histories, (trades) => {
        const r = run(trades, 'ACB');
        const matched = sumOf(r.matches.map((m) => m.cost_base));
        const left = sumOf(r.remaining_lots.map((l) => l.cost_base));
        expect(matched.add(left).eq(sumOf(r.lots.map((l) => l.cost_base)))).toBe(true);
        // Units are dated oldest first, so the lots matched are those FIFO would take.
        const fifo = run(trades, 'FIFO');
        expect(r.matches.map((m) => [m.lot, m.qty.toString()])).toEqual(
          fifo.matches.map((m) => [m.lot, m.qty.toString()]),
        );
      }),
      RUNS,
    );
  });

  it('keeps every unit and cent when the method changes from one tax year to the next', () => {
    fc.assert(
      fc.property(histories, fc.array(methods, { minLength: 1, maxLength: 8 }), (trades, perYear) => {
        // A method per tax year, cycling through the drawn list, so lots pooled by ACB one year are
        // sold by FIFO, LIFO or HIFO the next, and back.
        const method = (taxYear: string) => perYear[Number(taxYear.slice(0, 4)) % perYear.length] as Method;
        const r = taxReport(trades, { jurisdiction: 'AU', method });
        const matched = sumOf(r.matches.map((m) => m.cost_base));
        const left = sumOf(r.remaining_lots.map((l) => l.cost_base));
        expect(matched.add(left).eq(sumOf(r.lots.map((l) => l.cost_base)))).toBe(true);
        for (const sale of r.sales) {
          const ms = r.matches.filter((m) => m.sell_trade === sale.sell_trade);
          expect(sumOf(ms.map((m) => m.qty)).eq(sale.qty)).toBe(true);
          expect(sale.method).toBe(method(sale.tax_year));
        }
        expect(r.remaining_lots.every((l) => l.cost_base.gte(0) && l.qty.isPositive())).toBe(true);
      }),
      RUNS,
    );
  });

  it('never lets the discount raise the net, never discounts a loss, and dates eligibility by the ATO rule', () => {
    fc.assert(
      fc.property(histories, methods, (trades, method) => {
        const au = run(trades, method, 'AU');
        const none = run(trades, method, 'none');
        const a = au.summary;
        const n = none.summary;
        expect(a.net_capital_gain_after_discount.lte(n.net_capital_gain_after_discount)).toBe(true);
        // The discount takes at most half of the eligible gains.
        const saved = n.net_capital_gain_after_discount.sub(a.net_capital_gain_after_discount);
        expect(saved.lte(a.discount_eligible_gains.mul('0.5'))).toBe(true);
        expect(a.net_realised.eq(n.net_realised)).toBe(true);
        expect(a.gross_gains.eq(a.nondiscount_gains.add(a.discount_eligible_gains))).toBe(true);
        expect(n.discount_eligible_gains.isZero()).toBe(true);
        for (const m of au.matches) {
          if (m.discount_applied) expect(m.gain.isPositive() && m.discount_eligible).toBe(true);
          // A year has 365 or 366 days: under 366 days is never 12 months, over 366 always is.
          if (m.days_held < 366) expect(m.discount_eligible).toBe(false);
          if (m.days_held > 366) expect(m.discount_eligible).toBe(true);
        }
        // Losses beyond the gains are never halved: the net is then minus the unabsorbed loss.
        if (a.losses.gt(a.gross_gains))
          expect(a.net_capital_gain_after_discount.eq(a.gross_gains.sub(a.losses))).toBe(true);
        expect(none.matches.map((m) => m.gain.toString())).toEqual(au.matches.map((m) => m.gain.toString()));
      }),
      RUNS,
    );
  });
});
