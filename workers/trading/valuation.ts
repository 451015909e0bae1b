import { Decimal } from '../money/decimal.js';
import type { MarketLink } from './market-link.js';
import type { PaperAccount, PositionRecord } from './types.js';

/** The currency equity and limits are measured in. */
export const valuationAsset = 'USDT';

type Marks = Pick<MarketLink, 'mark'>;

/** Price of one unit of `asset` in the valuation currency, through a direct market or via BTC. */
export function priceOf(asset: string, marks: Marks): number | null {
  if (asset === valuationAsset) return 1;
  const direct = marks.mark(`${asset}/${valuationAsset}`);
  if (direct) return direct.price;
  const viaBtc = marks.mark(`${asset}/BTC`);
  const btc = marks.mark(`BTC/${valuationAsset}`);
  return viaBtc && btc ? viaBtc.price * btc.price : null;
}

/**
 * Equity in the valuation currency: every balance, free and reserved, at its mark. An estimate for
 * limits and breakers (marks are floats), rounded so it is a stable Decimal. Assets without a price
 * count as nothing here (for sizing); breakers and the daily loss use `knownEquity`.
 */
export function equity(account: PaperAccount | null, marks: Marks): Decimal {
  return valueOf(account, marks).total;
}

/**
 * Equity only when every held asset has a price: a balance valued at zero for want of a mark would look
 * like a loss and trip the breakers.
 */
export function knownEquity(account: PaperAccount | null, marks: Marks): Decimal | null {
  const v = valueOf(account, marks);
  return v.complete ? v.total : null;
}

function valueOf(account: PaperAccount | null, marks: Marks): { total: Decimal; complete: boolean } {
  if (!account) return { total: Decimal.ZERO, complete: false };
  let total = 0;
  let complete = true;
  for (const book of [account.balances, account.reserved])
    for (const [asset, amount] of Object.entries(book)) {
      const n = Number(amount);
      if (n === 0) continue;
      const p = priceOf(asset, marks);
      if (p !== null) total += n * p;
      else complete = false;
    }
  return { total: Decimal.from(total.toFixed(8)), complete };
}

/** Gross value of every position but `symbol`'s, in the valuation currency. */
export function exposureExcept(symbol: string, positions: Iterable<PositionRecord>, marks: Marks): number {
  let gross = 0;
  for (const p of positions) {
    if (p.symbol === symbol) continue;
    const mark = marks.mark(p.symbol);
    const quotePrice = priceOf(p.quote, marks) ?? 0;
    if (mark) gross += Math.abs(Number(p.amount)) * mark.price * quotePrice;
  }
  return gross;
}

/** The order's view of the touch, for estimates when no full book is needed. */
export function touch(
  link: Pick<MarketLink, 'books' | 'mark'>,
  symbol: string,
): { bid: number; ask: number } {
  const book = link.books.get(symbol);
  const bid = book?.bids[0] ?? NaN;
  const ask = book?.asks[0] ?? NaN;
  const mark = link.mark(symbol)?.price ?? NaN;
  return { bid: bid > 0 ? bid : mark, ask: ask > 0 ? ask : mark };
}
