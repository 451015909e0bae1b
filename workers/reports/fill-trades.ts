import { Decimal } from '../money/decimal.js';
import { dateInTimeZone } from '../tax/calendar.js';
import type { Trade } from '../tax/types.js';
import type { FillRecord } from '../trading/types.js';
import type { TaxExclusion } from './api.js';

/**
 * Fills as the tax engine's trades, in one report currency. Nothing is guessed: a fill quoted in another
 * currency, or a fee paid in a third asset, needs a conversion rate Lyra does not have, so it is left out
 * and listed with its fill ids for the user to see.
 *
 * Fees, as the trading engine books them (live-desk.ts): a fee in the quote currency is taken as is; a
 * fee in the base asset is valued at the fill's own price, exactly, and on a buy it also shrinks the units
 * received, so the lot is `amount - fee` units costing `amount × price` in all (what was paid). A fee in
 * any other asset is left out of the cost base or proceeds (the fill itself still counts).
 */

export interface TradesFromFills {
  /** In time order (ties by fill id), dated in the report's time zone. Each trade's id is its fill's id. */
  trades: Trade[];
  exclusions: TaxExclusion[];
}

const NEEDS_RATE = 'not included, needs a conversion rate';

export function baseAndQuote(symbol: string): { base: string; quote: string } | null {
  const slash = symbol.indexOf('/');
  if (slash <= 0) return null;
  const base = symbol.slice(0, slash);
  // A derivative's settle currency (BTC/USDT:USDT) is not part of the price's currency.
  const quote = symbol.slice(slash + 1).split(':')[0] ?? '';
  return quote === '' ? null : { base, quote };
}

class TaxExclusionList {
  private readonly byKey = new Map<string, TaxExclusion>();

  add(kind: TaxExclusion['kind'], currency: string, reason: string, fillId: string): void {
    const key = JSON.stringify([kind, currency, reason]);
    let entry = this.byKey.get(key);
    if (entry === undefined) this.byKey.set(key, (entry = { kind, currency, reason, fillIds: [] }));
    entry.fillIds.push(fillId);
  }

  list(): TaxExclusion[] {
    return [...this.byKey.values()];
  }
}

function byTime(a: FillRecord, b: FillRecord): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function tradesFromFills(
  fills: readonly FillRecord[],
  options: { currency: string; timeZone: string },
): TradesFromFills {
  const excluded = new TaxExclusionList();
  const trades: Trade[] = [];
  for (const fill of [...fills].sort(byTime)) {
    const pair = baseAndQuote(fill.symbol);
    if (pair === null) {
      excluded.add('fill', '', `the market "${fill.symbol}" is not BASE/QUOTE: not included`, fill.id);
      continue;
    }
    if (pair.quote !== options.currency) {
      excluded.add(
        'fill',
        pair.quote,
        `quoted in ${pair.quote}, ${NEEDS_RATE} to ${options.currency}`,
        fill.id,
      );
      continue;
    }
    const date = dateInTimeZone(fill.time, options.timeZone);
    const amount = Decimal.tryFrom(fill.amount);
    const price = Decimal.tryFrom(fill.price);
    const fee = Decimal.tryFrom(fill.fee === '' ? '0' : fill.fee);
    if (date === null || amount === null || price === null || fee === null || !amount.isPositive()) {
      excluded.add(
        'fill',
        pair.quote,
        'the stored fill is damaged (time, amount, price or fee): not included',
        fill.id,
      );
      continue;
    }
    let qty = amount;
    let feeValue = Decimal.ZERO;
    if (fee.isZero() || fill.feeAsset === pair.quote) feeValue = fee;
    else if (fill.feeAsset === pair.base) {
      feeValue = fee.mul(price);
      if (fill.side === 'buy') qty = amount.sub(fee);
      if (!qty.isPositive()) {
        excluded.add(
          'fill',
          pair.base,
          `the fee in ${pair.base} is not less than the amount bought: not included`,
          fill.id,
        );
        continue;
      }
    } else {
      const currency = fill.feeAsset === '' ? 'an unnamed asset' : fill.feeAsset;
      excluded.add('fee', currency, `fee paid in ${currency}, ${NEEDS_RATE} to ${options.currency}`, fill.id);
    }
    trades.push({
      id: fill.id,
      account: fill.accountId,
      asset: pair.base,
      date,
      side: fill.side,
      qty,
      price,
      fee: feeValue,
      lot: null,
    });
  }
  return { trades, exclusions: excluded.list() };
}
