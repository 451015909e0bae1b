import { afterEach, describe, expect, it } from 'vitest';
import type { LyraDb } from '../store/db.js';
import { commitImport, listImports, previewImport, removeImport } from './import-store.js';
import { freshDb } from './test-support/db.js';
import { referenceJson, referenceTradesCsv } from './test-support/reference-csv.js';
import { liveFill, paperAccount, liveAccount } from './test-support/fills.js';

let db: LyraDb;
afterEach(async () => {
  db?.close();
});

const csv = referenceTradesCsv();
const request = { account: 'broker', fileName: 'reference.csv' };

/** The reference file with one cell broken on the given data row (1-based; the header is line 1). */
function withBadPrice(row: number): string {
  const lines = csv.trimEnd().split('\n');
  const cells = lines[row]!.split(',');
  cells[4] = '12,5x';
  lines[row] = cells.map((c) => (c.includes(',') ? `"${c}"` : c)).join(',');
  return `${lines.join('\n')}\n`;
}

describe('trade import into the stored fills', () => {
  it('previews the file: layout, counts, sample rows, and what is new', async () => {
    db = await freshDb();
    const preview = await previewImport(db, csv, { account: 'broker' });
    expect(preview.layout).toBe('generic');
    expect(preview.problems).toEqual([]);
    expect(preview.trades).toBe(8);
    expect(preview.toAdd).toBe(8);
    expect(preview.duplicates).toBe(0);
    expect(preview.sample.map((s) => s.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(preview.sample[3]).toMatchObject({
      side: 'sell',
      amount: '60',
      price: '15',
      fee: '6',
      feeAsset: 'AUD',
    });
    expect(await db.importedFills.count()).toBe(0);
  });

  it('writes one import row and all its fills, and a second import of the same file adds nothing', async () => {
    db = await freshDb();
    const first = await commitImport(db, csv, request, () => 1000);
    expect(first.added).toBe(8);
    expect(first.import).toMatchObject({
      fileName: 'reference.csv',
      accountId: 'broker',
      rows: 8,
      layout: 'generic',
    });
    expect(await db.importedFills.where('importId').equals(first.import!.id).count()).toBe(8);

    const again = await previewImport(db, csv, { account: 'broker' });
    expect(again).toMatchObject({ toAdd: 0, duplicates: 8 });
    expect(again.sample.every((s) => s.duplicate)).toBe(true);
    const second = await commitImport(db, csv, request, () => 2000);
    expect(second).toEqual({ import: null, added: 0, alreadyImported: 8, inOwnFills: 0 });
    expect(await db.importedFills.count()).toBe(8);
    expect(await db.imports.count()).toBe(1);

    // Into another account the same file is another set of fills.
    const other = await commitImport(db, csv, { ...request, account: 'other' }, () => 3000);
    expect(other.added).toBe(8);
    expect((await listImports(db)).map((i) => i.accountId)).toEqual(['other', 'broker']);
  });

  it('adds only the new trades of a longer file', async () => {
    db = await freshDb();
    const lines = csv.trimEnd().split('\n');
    await commitImport(db, `${lines.slice(0, 5).join('\n')}\n`, request);
    const result = await commitImport(db, csv, request);
    expect(result).toMatchObject({ added: 4, alreadyImported: 4 });
    expect(result.import?.rows).toBe(4);
    expect(await db.importedFills.count()).toBe(8);
  });

  it('a bad row names its line and column, and the import writes nothing', async () => {
    db = await freshDb();
    const bad = withBadPrice(6);
    const preview = await previewImport(db, bad, { account: 'broker' });
    expect(preview.badRows).toBe(1);
    expect(preview.problems[0]).toMatchObject({ line: 7, column: 'price' });
    expect(preview.trades).toBe(0);
    await expect(commitImport(db, bad, request)).rejects.toMatchObject({
      error: { code: 'bad-import', message: expect.stringContaining('line 7, column price') },
    });
    expect(await db.importedFills.count()).toBe(0);
    expect(await db.imports.count()).toBe(0);
  });

  it('a failure while writing the fills leaves no import row behind (one transaction)', async () => {
    db = await freshDb();
    let seen = 0;
    // Fails on the fifth fill, after the import row and four fills were written in the transaction.
    db.importedFills.hook('creating', () => {
      if (++seen === 5) throw new Error('disk full');
    });
    await expect(commitImport(db, csv, request)).rejects.toThrow('disk full');
    expect(seen).toBe(5);
    expect(await db.imports.count()).toBe(0);
    expect(await db.importedFills.count()).toBe(0);
  });

  it('removes an import with its fills only, and the file can then be imported again', async () => {
    db = await freshDb();
    const a = await commitImport(db, csv, request);
    const b = await commitImport(db, csv, { ...request, account: 'other' });
    await removeImport(db, a.import!.id);
    expect(await db.imports.count()).toBe(1);
    expect(await db.importedFills.count()).toBe(8);
    expect(await db.importedFills.where('importId').equals(b.import!.id).count()).toBe(8);
    await expect(removeImport(db, a.import!.id)).rejects.toMatchObject({ error: { code: 'not-found' } });
    expect((await commitImport(db, csv, request)).added).toBe(8);
  });

  it('an earlier import holding some of the trades is named on the later import, for the remove warning', async () => {
    db = await freshDb();
    const lines = csv.trimEnd().split('\n');
    const a = await commitImport(db, `${lines.slice(0, 5).join('\n')}\n`, { ...request, fileName: 'a.csv' });
    const b = await commitImport(db, csv, { ...request, fileName: 'b.csv' });
    expect(b.import?.overlaps).toEqual([a.import!.id]);
    expect(a.import?.overlaps).toEqual([]);
  });

  it('trades already in a live account’s own fills are counted in the preview and skipped on import', async () => {
    db = await freshDb();
    const [t1, t2] = referenceJson().trades;
    await db.accounts.bulkPut([liveAccount('live:v1'), paperAccount('paper:binance')]);
    // Trade 1 as the live account recorded it (another id, a later millisecond of the same second,
    // the amount written differently); trade 2 only in a paper account, which is never matched.
    await db.fills.bulkAdd([
      liveFill(
        'x-1',
        'live:v1',
        'buy',
        `${t1!.qty}.000`,
        String(t1!.price),
        Date.parse(`${t1!.date}T02:00:00.750Z`),
      ),
      liveFill(
        'x-2',
        'paper:binance',
        'buy',
        String(t2!.qty),
        String(t2!.price),
        Date.parse(`${t2!.date}T02:00:00Z`),
      ),
    ]);
    const preview = await previewImport(db, csv, { account: 'broker' });
    expect(preview).toMatchObject({ trades: 8, toAdd: 7, duplicates: 0, inOwnFills: 1 });
    expect(preview.sample.map((s) => s.inOwnFills)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    const result = await commitImport(db, csv, request);
    expect(result).toMatchObject({ added: 7, alreadyImported: 0, inOwnFills: 1 });
    expect(result.import).toMatchObject({ rows: 7, inOwnFills: 1 });
    expect(await db.importedFills.get('import:broker:id:1')).toBeUndefined();
    expect(await db.importedFills.get('import:broker:id:2')).toBeDefined();
    // A trade a second later, or at another price, is another trade.
    await db.fills.update('x-1', { time: Date.parse(`${t1!.date}T02:00:01Z`) });
    expect((await previewImport(db, csv, { account: 'broker' })).inOwnFills).toBe(0);
  });
});
