import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import type { FillRecord } from '../trading/types.js';
import { tradesFromFills } from './fill-trades.js';

let n = 0;
function fill(over: Partial<FillRecord>): FillRecord {
  const id = over.id ?? `f${++n}`;
  return {
    id,
    orderId: id,
    accountId: 'paper',
    symbol: 'BTC/AUD',
    side: 'buy',
    price: '100',
    amount: '2',
    quote: '200',
    fee: '0',
    feeAsset: 'AUD',
    liquidity: 'taker',
    time: Date.UTC(2022, 2, 10, 2),
    ...over,
  };
}

const options = { currency: 'AUD', timeZone: 'Australia/Sydney' };
const costOf = (t: { qty: Decimal; price: Decimal; fee: Decimal }) =>
  t.qty.mul(t.price).add(t.fee).toString();

describe('fills as tax trades', () => {
  it('takes a fee in the quote currency as is, the base as the asset and the account as the book', () => {
    const { trades, exclusions } = tradesFromFills([fill({ id: 'a', fee: '1.5' })], options);
    expect(exclusions).toEqual([]);
    expect(trades).toHaveLength(1);
    const t = trades[0]!;
    expect({ id: t.id, account: t.account, asset: t.asset, side: t.side, date: t.date }).toEqual({
      id: 'a',
      account: 'paper',
      asset: 'BTC',
      side: 'buy',
      date: '2022-03-10',
    });
    expect([t.qty.toString(), t.price.toString(), t.fee.toString()]).toEqual(['2', '100', '1.5']);
  });

  it('values a fee in the base asset at the fill price; on a buy it also shrinks the units received', () => {
    const { trades } = tradesFromFills(
      [
        fill({ id: 'b', side: 'buy', amount: '2', price: '100.1', fee: '0.002', feeAsset: 'BTC' }),
        fill({
          id: 's',
          side: 'sell',
          amount: '1',
          price: '120',
          fee: '0.001',
          feeAsset: 'BTC',
          time: Date.UTC(2022, 3, 1),
        }),
      ],
      options,
    );
    const [buy, sell] = trades;
    expect(buy!.qty.toString()).toBe('1.998');
    expect(buy!.fee.toString()).toBe('0.2002');
    // What was paid: the whole amount at the price, exactly.
    expect(costOf(buy!)).toBe('200.2');
    expect(sell!.qty.toString()).toBe('1');
    expect(sell!.fee.toString()).toBe('0.12');
  });

  it('lists a fee in a third asset as needing a rate and keeps the fill without it', () => {
    const { trades, exclusions } = tradesFromFills(
      [fill({ id: 'x', fee: '0.01', feeAsset: 'BNB' }), fill({ id: 'y', fee: '0.02', feeAsset: 'BNB' })],
      options,
    );
    expect(trades.map((t) => [t.id, t.fee.toString()])).toEqual([
      ['x', '0'],
      ['y', '0'],
    ]);
    expect(exclusions).toEqual([
      {
        kind: 'fee',
        currency: 'BNB',
        reason: 'fee paid in BNB, not included, needs a conversion rate to AUD',
        fillIds: ['x', 'y'],
      },
    ]);
  });

  it('leaves out fills quoted in another currency, naming them', () => {
    const { trades, exclusions } = tradesFromFills(
      [fill({ id: 'usd', symbol: 'BTC/USDT' }), fill({ id: 'aud' })],
      options,
    );
    expect(trades.map((t) => t.id)).toEqual(['aud']);
    expect(exclusions).toEqual([
      {
        kind: 'fill',
        currency: 'USDT',
        reason: 'quoted in USDT, not included, needs a conversion rate to AUD',
        fillIds: ['usd'],
      },
    ]);
  });

  it('dates fills in the report time zone and orders them by time', () => {
    // 30 June 15:00 UTC is 1 July in Sydney: another Australian tax year.
    const late = fill({ id: 'late', time: Date.UTC(2022, 5, 30, 15) });
    const early = fill({ id: 'early', time: Date.UTC(2022, 5, 30, 1) });
    const sydney = tradesFromFills([late, early], options).trades;
    expect(sydney.map((t) => [t.id, t.date])).toEqual([
      ['early', '2022-06-30'],
      ['late', '2022-07-01'],
    ]);
    expect(tradesFromFills([late], { ...options, timeZone: 'UTC' }).trades[0]!.date).toBe('2022-06-30');
  });

  it('every fill is used or listed, and a buy costs exactly what was paid (property)', () => {
    const decimalText = fc
      .tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 6 }))
      .map(([units, scale]) =>
        Decimal.from(units)
          .div(10 ** scale, scale, 'down')
          .toString(),
      );
    const arbFill = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quote: fc.constantFrom('AUD', 'USDT'),
      feeAsset: fc.constantFrom('AUD', 'BTC', 'BNB', 'USDT'),
      amount: decimalText,
      price: decimalText,
      feeUnits: fc.integer({ min: 0, max: 999 }),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 20 }), (raw) => {
        const fills = raw.map((r, k) => {
          // A fee below the amount, so a buy with its fee in the base still receives something.
          const fee = Decimal.from(r.amount).mul(r.feeUnits).div(1000, 12, 'down').toString();
          return fill({
            id: `p${k}`,
            side: r.side,
            symbol: `BTC/${r.quote}`,
            amount: r.amount,
            price: r.price,
            fee,
            feeAsset: r.feeAsset,
            time: 1_700_000_000_000 + k,
          });
        });
        const { trades, exclusions } = tradesFromFills(fills, options);
        const left = exclusions.filter((x) => x.kind === 'fill').flatMap((x) => x.fillIds);
        expect(trades.length + left.length).toBe(fills.length);
        for (const t of trades) {
          const f = fills.find((x) => x.id === t.id)!;
          const paid = Decimal.from(f.amount).mul(f.price);
          if (f.side === 'buy' && f.feeAsset === 'BTC') expect(costOf(t)).toBe(paid.toString());
          if (f.side === 'buy' && f.feeAsset === 'AUD') expect(costOf(t)).toBe(paid.add(f.fee).toString());
          if (f.feeAsset === 'BNB' || f.feeAsset === 'USDT') expect(t.fee.isZero()).toBe(true);
        }
      }),
    );
  });
});
