import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaperAccount } from '../types.js';
import { accountHoldings, valueHoldings, type AccountHoldings } from './holdings.js';
import type { PricePoint } from './marks.js';

const assets = ['USDT', 'BTC', 'ETH', 'SOL', 'NOPRICE'] as const;
const quotes: Record<string, number> = { 'BTC/USDT': 60_000, 'ETH/USDT': 2_500, 'SOL/USDT': 150 };
const prices = (s: string): PricePoint | null =>
  quotes[s] ? { price: quotes[s], time: 1000, source: 'ticker' } : null;

function paper(
  id: string,
  balances: Record<string, string>,
  reserved: Record<string, string> = {},
): PaperAccount {
  return {
    id,
    exchange: 'binance',
    name: `Paper ${id}`,
    balances,
    reserved,
    starting: {},
    latencyMs: 0,
    createdAt: 0,
    resetAt: 0,
  };
}

describe('holdings across accounts', () => {
  it('adds free and reserved exactly, and lists an asset without a price as missing, out of every total', () => {
    const a = accountHoldings(paper('a', { USDT: '0.1', BTC: '0.5' }, { USDT: '0.2', NOPRICE: '7' }));
    expect(a.amounts).toEqual({ USDT: '0.3', BTC: '0.5', NOPRICE: '7' });
    const v = valueHoldings([a], 'USDT', prices);
    expect(v.total).toBeCloseTo(30_000.3, 9);
    expect(v.missing).toHaveLength(1);
    expect(v.missing[0]).toMatchObject({ accountId: 'a', asset: 'NOPRICE', amount: '7' });
    expect(v.missing[0]!.note).toContain('left out of the totals');
    const np = v.holdings.find((h) => h.asset === 'NOPRICE')!;
    expect(np).toMatchObject({ price: null, value: null, weight: null, priceSource: null });
    expect(v.byAsset.map((s) => s.key)).toEqual(['BTC', 'USDT']);
    expect(v.pricesAsOf).toBe(1000);
  });

  it('a live account is labelled by its name and venue', () => {
    const h = accountHoldings({
      ...paper('live:x', { USDT: '1' }),
      name: 'Main',
      live: { vaultId: 'x', venue: 'sandbox' },
    });
    expect(h).toMatchObject({ label: 'Main', venue: 'sandbox' });
  });

  it('weights add up to 1 and the accounts add up to the total, whatever is held (property)', () => {
    const amount = fc
      .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 8 }))
      .map(([units, scale]) => (units / 10 ** scale).toFixed(scale));
    const account = fc.dictionary(fc.constantFrom(...assets), amount, { maxKeys: assets.length });
    fc.assert(
      fc.property(fc.array(account, { minLength: 1, maxLength: 5 }), (books) => {
        const accounts: AccountHoldings[] = books.map((b, i) => accountHoldings(paper(`p${i}`, b)));
        const v = valueHoldings(accounts, 'USDT', prices);
        const byAccount = v.byAccount.reduce((s, x) => s + x.value, 0);
        const byAsset = v.byAsset.reduce((s, x) => s + x.value, 0);
        const tol = 1e-9 * Math.max(1, v.total);
        expect(Math.abs(byAccount - v.total)).toBeLessThanOrEqual(tol);
        expect(Math.abs(byAsset - v.total)).toBeLessThanOrEqual(tol);
        const priced = v.holdings.filter((h) => h.value !== null);
        if (v.total > 0) {
          const w = priced.reduce((s, h) => s + h.weight!, 0);
          expect(Math.abs(w - 1)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(v.byAsset.reduce((s, x) => s + x.weight, 0) - 1)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(v.byAccount.reduce((s, x) => s + x.weight, 0) - 1)).toBeLessThanOrEqual(1e-9);
        }
        // Every unpriced amount is missing, never valued.
        const unpriced = v.holdings.filter((h) => h.value === null).length;
        expect(v.missing).toHaveLength(unpriced);
        expect(v.holdings.every((h) => h.value === null || h.asset !== 'NOPRICE')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
