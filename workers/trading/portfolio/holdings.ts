import { Decimal } from '../../money/decimal.js';
import type { PaperAccount } from '../types.js';
import type { Holding, MissingPrice, Slice } from './api.js';
import { priceIn, priceTime, type SymbolPrices } from './marks.js';

/** One account as the portfolio sees it: what it holds (free plus reserved) and what to call it. */
export interface AccountHoldings {
  id: string;
  label: string;
  venue: Holding['venue'];
  exchange: string;
  /** Asset -> decimal text, zero amounts left out. */
  amounts: Record<string, string>;
}

export function accountHoldings(account: PaperAccount): AccountHoldings {
  const sums = new Map<string, Decimal>();
  for (const book of [account.balances ?? {}, account.reserved ?? {}])
    for (const [asset, amount] of Object.entries(book)) {
      const d = Decimal.tryFrom(amount);
      if (d && !d.isZero()) sums.set(asset, (sums.get(asset) ?? Decimal.ZERO).add(d));
    }
  const amounts: Record<string, string> = {};
  for (const [asset, d] of sums) if (!d.isZero()) amounts[asset] = d.toString();
  return {
    id: account.id,
    label: account.name || account.id,
    venue: account.live?.venue ?? 'paper',
    exchange: account.exchange,
    amounts,
  };
}

export interface ValuedHoldings {
  holdings: Holding[];
  missing: MissingPrice[];
  total: number;
  byAsset: Slice[];
  byAccount: Slice[];
  pricesAsOf: number | null;
}

function slices(values: Map<string, { label: string; value: number }>, total: number): Slice[] {
  return [...values]
    .map(([key, { label, value }]) => ({ key, label, value, weight: total > 0 ? value / total : 0 }))
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}

/**
 * Every holding valued in `quote` at the best price known. A holding without a price is listed in
 * `missing` with a note and left out of every total and weight: valuing it at zero would look like a loss.
 */
export function valueHoldings(
  accounts: readonly AccountHoldings[],
  quote: string,
  prices: SymbolPrices,
): ValuedHoldings {
  const holdings: Holding[] = [];
  const missing: MissingPrice[] = [];
  let total = 0;
  let pricesAsOf: number | null = null;
  for (const a of accounts)
    for (const [asset, amount] of Object.entries(a.amounts)) {
      const p = priceIn(asset, quote, prices);
      const base = {
        accountId: a.id,
        accountLabel: a.label,
        venue: a.venue,
        exchange: a.exchange,
        asset,
        amount,
      };
      if (!p) {
        missing.push({
          accountId: a.id,
          asset,
          amount,
          note: `No price for ${asset} in ${quote} yet (no market data seen or stored): ${amount} ${asset} in ${a.label} is left out of the totals.`,
        });
        holdings.push({
          ...base,
          price: null,
          priceTime: null,
          priceSource: null,
          value: null,
          weight: null,
        });
        continue;
      }
      const value = Number(amount) * p.price;
      total += value;
      const time = priceTime(p);
      if (time !== null) pricesAsOf = pricesAsOf === null ? time : Math.min(pricesAsOf, time);
      holdings.push({ ...base, price: p.price, priceTime: time, priceSource: p.source, value, weight: 0 });
    }
  const byAsset = new Map<string, { label: string; value: number }>();
  const byAccount = new Map<string, { label: string; value: number }>();
  for (const h of holdings) {
    if (h.value === null) continue;
    h.weight = total > 0 ? h.value / total : 0;
    const asset = byAsset.get(h.asset) ?? { label: h.asset, value: 0 };
    asset.value += h.value;
    byAsset.set(h.asset, asset);
    const account = byAccount.get(h.accountId) ?? { label: h.accountLabel, value: 0 };
    account.value += h.value;
    byAccount.set(h.accountId, account);
  }
  holdings.sort((x, y) => (y.value ?? -1) - (x.value ?? -1) || x.asset.localeCompare(y.asset));
  return {
    holdings,
    missing,
    total,
    byAsset: slices(byAsset, total),
    byAccount: slices(byAccount, total),
    pricesAsOf,
  };
}

/** An account's equity in `quote` when every holding has a price; null otherwise (never a partial sum). */
export function accountEquity(account: AccountHoldings, quote: string, prices: SymbolPrices): number | null {
  let total = 0;
  for (const [asset, amount] of Object.entries(account.amounts)) {
    const p = priceIn(asset, quote, prices);
    if (!p) return null;
    total += Number(amount) * p.price;
  }
  return total;
}
