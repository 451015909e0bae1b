import { Decimal } from '../../money/decimal.js';

/**
 * The account's holdings as exact amounts and prices for planning: rows of the same asset merged
 * (matched case-insensitively, as target codes are), the quote currency priced at exactly 1, and the
 * assets with no usable price kept apart so they are never valued as zero.
 */

export interface HoldingInput {
  asset: string;
  amount: string;
  price: number | null;
}

export interface PricedAsset {
  asset: string;
  amount: Decimal;
  price: Decimal;
  value: Decimal;
}

export type PricedHoldings =
  | {
      ok: true;
      /** Keyed by upper-case asset code. */
      priced: Map<string, PricedAsset>;
      /** Assets with an amount but no usable price, keyed by upper-case code. */
      unpriced: Map<string, { asset: string; amount: Decimal }>;
      total: Decimal;
    }
  | { ok: false; error: string };

/** A price as exact text, or null when it is missing or not a positive finite number. */
export function priceOf(price: number | null | undefined): Decimal | null {
  if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) return null;
  return Decimal.from(price);
}

export function priceHoldings(holdings: readonly HoldingInput[], quote: string): PricedHoldings {
  const quoteKey = quote.toUpperCase();
  const amounts = new Map<string, { asset: string; amount: Decimal; price: Decimal | null }>();
  for (const h of holdings) {
    const asset = typeof h?.asset === 'string' ? h.asset.trim() : '';
    if (asset === '') continue;
    const amount = Decimal.tryFrom(h.amount);
    if (amount === null || amount.isNegative())
      return {
        ok: false,
        error: `The ${asset} balance reads "${String(h.amount).slice(0, 24)}", not an amount of at least zero: refresh the balances.`,
      };
    const key = asset.toUpperCase();
    const price = key === quoteKey ? Decimal.ONE : priceOf(h.price);
    const prev = amounts.get(key);
    if (prev) {
      prev.amount = prev.amount.add(amount);
      // A row without a price does not erase another row's price for the same asset.
      prev.price ??= price;
    } else amounts.set(key, { asset, amount, price });
  }

  const priced = new Map<string, PricedAsset>();
  const unpriced = new Map<string, { asset: string; amount: Decimal }>();
  let total = Decimal.ZERO;
  for (const [key, { asset, amount, price }] of amounts) {
    if (price === null) {
      if (amount.isPositive()) unpriced.set(key, { asset, amount });
      continue;
    }
    const value = amount.mul(price);
    priced.set(key, { asset, amount, price, value });
    total = total.add(value);
  }
  return { ok: true, priced, unpriced, total };
}
