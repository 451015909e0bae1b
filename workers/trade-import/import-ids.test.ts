import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentKey, fnv1a64, importIds, newTrades, rowTradeId, type IdInput } from './import-ids.js';

/** FNV-1a 64 the slow, obvious way: BigInt arithmetic modulo 2^64. */
function fnvReference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text))
    h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

const trade = (over: Partial<IdInput> = {}): IdInput => ({
  accountId: 'acct',
  sourceId: null,
  symbol: 'BTC/USDT',
  side: 'buy',
  time: 1_700_000_000_000,
  price: '100',
  amount: '1',
  fee: '0.1',
  feeAsset: 'USDT',
  ...over,
});

describe('fnv1a64', () => {
  it('gives the published FNV-1a 64 test values', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('agrees with a BigInt implementation on any text, including non-ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(fnv1a64(s)).toBe(fnvReference(s));
      }),
      { numRuns: 300 },
    );
  });
});

describe('importIds', () => {
  it("uses the export's own id, namespaced by account and layout", () => {
    const ids = importIds([trade({ sourceId: 'TX-1' }), trade({ sourceId: 'TX-2' })], 'kraken');
    expect(ids).toEqual(['import:acct:kraken:TX-1', 'import:acct:kraken:TX-2']);
    expect(importIds([trade({ sourceId: 'TX-1' })], 'generic')).toEqual(['import:acct:id:TX-1']);
  });

  it('numbers identical rows, so two identical fills stay two', () => {
    const [a, b, c] = importIds([trade(), trade({ side: 'sell' }), trade()], 'generic');
    expect(a).toMatch(/-1$/);
    expect(c).toMatch(/-2$/);
    expect(c?.slice(0, -2)).toBe(a?.slice(0, -2));
    expect(b).toBe(rowTradeId('acct', trade({ side: 'sell' }), 1));
  });

  it('gives another account, or any field changed, another id', () => {
    const base = importIds([trade()], 'generic')[0];
    const changed = [
      trade({ accountId: 'other' }),
      trade({ symbol: 'BTC/USDC' }),
      trade({ side: 'sell' }),
      trade({ time: 1_700_000_000_001 }),
      trade({ price: '100.5' }),
      trade({ amount: '2' }),
      trade({ fee: '0' }),
      trade({ feeAsset: 'BNB' }),
    ].map((t) => importIds([t], 'generic')[0]);
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
  });

  it('does not depend on the layout for rows without an id of their own', () => {
    expect(importIds([trade()], 'binance')).toEqual(importIds([trade()], 'generic'));
  });

  it('keys content unambiguously, whatever the fields hold', () => {
    expect(contentKey(trade({ symbol: 'A","B' }))).not.toBe(contentKey(trade({ symbol: 'A', side: 'B' })));
  });

  it('escapes the account so it cannot run into the rest of the id', () => {
    expect(importIds([trade({ accountId: 'a:id:x', sourceId: 'y' })], 'generic')).toEqual([
      'import:a%3Aid%3Ax:id:y',
    ]);
  });
});

describe('newTrades', () => {
  it('splits trades into those to add and those already stored', () => {
    const trades = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(newTrades({ trades }, new Set(['b', 'x']))).toEqual({
      add: [{ id: 'a' }, { id: 'c' }],
      existing: [{ id: 'b' }],
    });
    expect(newTrades(trades, new Set())).toEqual({ add: trades, existing: [] });
  });
});
