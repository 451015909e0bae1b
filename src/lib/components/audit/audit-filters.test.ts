import { describe, expect, it } from 'vitest';
import {
  filterQuery,
  type AuditFilterValues,
  hasFilters,
  noFilters,
  sameFilters,
  snapshotFilters,
} from './audit-filters';

describe('audit filters', () => {
  it('asks for "any" where a field is blank, and trims text', () => {
    expect(filterQuery(noFilters())).toEqual({
      kind: null,
      symbol: null,
      orderId: null,
      since: null,
      fromSeq: null,
      toSeq: null,
    });
    expect(
      filterQuery({ ...noFilters(), kind: 'order-filled', symbol: ' BTC/USDT ', range: { from: 3, to: 9 } }),
    ).toMatchObject({ kind: 'order-filled', symbol: 'BTC/USDT', orderId: null, fromSeq: 3, toSeq: 9 });
  });

  it('keeps an applied snapshot apart from later edits of the form', () => {
    const form: AuditFilterValues = { ...noFilters(), kind: 'order-filled', range: { from: 1, to: 4 } };
    const applied = snapshotFilters(form);
    form.kind = 'order-accepted';
    form.symbol = 'ETH/USDT';
    form.range!.to = 99;
    expect(filterQuery(applied)).toMatchObject({ kind: 'order-filled', symbol: null, toSeq: 4 });
    expect(sameFilters(form, applied)).toBe(false);
  });

  it('tells edits that change the query from ones that do not', () => {
    const applied = { ...noFilters(), symbol: 'BTC/USDT' };
    expect(sameFilters({ ...applied, symbol: ' BTC/USDT ' }, applied)).toBe(true);
    expect(sameFilters({ ...applied, orderId: 'o1' }, applied)).toBe(false);
    expect(hasFilters(noFilters())).toBe(false);
    expect(hasFilters({ ...noFilters(), since: '2026-01-02T03:04' })).toBe(true);
  });
});
