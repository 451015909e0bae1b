import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineError } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import { backedUpTables } from '../sync/backup-tables.js';
import type { DatabaseFileHeader } from './api.js';
import { CanonicalHash } from './database-format.js';
import { closeAll, freshDb, handlers, seedEveryTable, tableBytes } from './test-data.js';

afterEach(closeAll);

async function exportText(db: LyraDb): Promise<string> {
  const file = await handlers(db).api.exportDatabase('export-1');
  return file.blob.text();
}

async function importText(db: LyraDb, text: string) {
  const { api } = handlers(db);
  const preview = await api.previewDatabase(new Blob([text]), 'preview-1');
  const result = await api.importDatabase(preview.previewId, 'import-1');
  return { preview, result };
}

/** The refusal a file gets (its EngineError), failing the test if it is accepted. */
async function refusal(db: LyraDb, text: string): Promise<EngineError> {
  try {
    await importText(db, text);
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('the file was accepted');
}

/** A file edited on purpose and signed again, to reach the checks after the checksum. */
function resign(file: { header: DatabaseFileHeader; checksum: { value: string }; tables: Record<string, unknown[]> }): string {
  const hash = new CanonicalHash(file.header);
  for (const [name, rows] of Object.entries(file.tables)) {
    hash.beginTable(name);
    for (const row of rows) hash.row(JSON.stringify(row));
    hash.endTable();
  }
  file.checksum.value = hash.hex();
  return JSON.stringify(file);
}

describe('whole-database export and import', () => {
  it('round-trips every backed-up table exactly, typed arrays, NaN and -0 included', async () => {
    const source = freshDb();
    await seedEveryTable(source, 'source');
    const target = freshDb();
    await seedEveryTable(target, 'target');
    const text = await exportText(source);

    const { preview, result } = await importText(target, text);
    expect(preview.tables.map((t) => t.name).sort()).toEqual([...backedUpTables].sort());
    expect(preview.tables.find((t) => t.name === 'candleBlocks')).toEqual({ name: 'candleBlocks', inFile: 2, onDevice: 2 });
    expect(preview.hasVault).toBe(true);
    expect(result.tables).toBe(backedUpTables.length);

    const want = await tableBytes(source);
    const got = await tableBytes(target);
    for (const table of backedUpTables) expect(got[table], table).toEqual(want[table]);
    const candles = await target.candleBlocks.toArray();
    expect(Object.is(candles[0]!.low[3], -0)).toBe(true);
    expect(Number.isNaN(candles[0]!.close[5])).toBe(true);
    const odd = (await target.settings.toArray()).find((r) => (r as unknown as { i: number }).i === 1) as unknown as Record<string, unknown>;
    expect(odd.big).toBe(12345678901234567890n);
    expect(Object.is(odd.negZero, -0)).toBe(true);
    expect('missing' in odd).toBe(true);
  });

  it('writes a readable JSON file with a header, counts and a checksum', async () => {
    const db = freshDb();
    await seedEveryTable(db);
    const file = await handlers(db, () => Date.UTC(2026, 2, 4, 5, 6)).api.exportDatabase('x');
    const parsed = JSON.parse(await file.blob.text()) as {
      header: DatabaseFileHeader;
      checksum: { algorithm: string; value: string };
      tables: Record<string, Array<Record<string, unknown>>>;
    };
    expect(parsed.header).toMatchObject({ format: 'lyra-database', formatVersion: 1, schemaVersion: db.verno });
    expect(parsed.header.exportedAt).toBe(Date.UTC(2026, 2, 4, 5, 6));
    expect(parsed.header.counts.candleBlocks).toBe(2);
    expect(parsed.checksum.algorithm).toBe('SHA-256');
    expect(parsed.checksum.value).toMatch(/^[0-9a-f]{64}$/);
    expect(file.fileName).toMatch(/^lyra-database-2026-03-0\d-\d{4}\.json$/);
    // Plain values stay readable; only what JSON would lose is encoded.
    const odd = parsed.tables.orders!.find((r) => r.i === 1)!;
    expect(odd.money).toBe('12345.678900000001');
    expect(odd.text).toBe('héllo "a", ümlaut\nnew line');
    expect(odd.nan).toEqual({ $lyra: expect.any(String) });
  });

  it('replaces what the device had in the file’s tables', async () => {
    const source = freshDb();
    await source.orders.add({ id: 'only-order' } as never);
    const target = freshDb();
    await seedEveryTable(target);
    await importText(target, await exportText(source));
    expect(await target.orders.toArray()).toEqual([{ id: 'only-order' }]);
    expect(await target.fills.count()).toBe(0);
  });

  describe('refuses a bad file, saying why, and writes nothing', () => {
    async function setup() {
      const source = freshDb();
      await seedEveryTable(source, 'source');
      const target = freshDb();
      await seedEveryTable(target, 'target');
      return { text: await exportText(source), target, before: await tableBytes(target) };
    }

    it('a damaged row fails the checksum', async () => {
      const { text, target, before } = await setup();
      const damaged = text.replace('12345.678900000001', '12345.678900000002');
      expect(damaged).not.toBe(text);
      const e = await refusal(target, damaged);
      expect(e.code).toBe('data-file-damaged');
      expect(e.message).toMatch(/checksum/);
      expect(await tableBytes(target)).toEqual(before);
    });

    it('a file cut short is not JSON', async () => {
      const { text, target, before } = await setup();
      const e = await refusal(target, text.slice(0, Math.floor(text.length / 2)));
      expect(e.code).toBe('data-file-not-json');
      expect(await tableBytes(target)).toEqual(before);
    });

    it('a foreign JSON file', async () => {
      const { target, before } = await setup();
      const e = await refusal(target, JSON.stringify({ trades: [{ symbol: 'BTC/USDT' }] }));
      expect(e.code).toBe('data-file-foreign');
      expect(e.message).toMatch(/not a Lyra database file/);
      expect(await tableBytes(target)).toEqual(before);
    });

    it('a file from a newer schema', async () => {
      const { text, target, before } = await setup();
      const file = JSON.parse(text);
      file.header.schemaVersion = target.verno + 1;
      const e = await refusal(target, resign(file));
      expect(e.code).toBe('data-file-newer-schema');
      expect(e.message).toMatch(new RegExp(`database version ${target.verno + 1}`));
      expect(await tableBytes(target)).toEqual(before);
    });

    it('an unknown table', async () => {
      const { text, target, before } = await setup();
      const file = JSON.parse(text);
      file.tables.markets = [];
      file.header.counts.markets = 0;
      const e = await refusal(target, resign(file));
      expect(e.code).toBe('data-file-unknown-tables');
      expect(e.message).toMatch(/markets/);
      expect(await tableBytes(target)).toEqual(before);
    });

    it('a row without its primary key, and a repeated key', async () => {
      const { text, target, before } = await setup();
      const file = JSON.parse(text);
      delete file.tables.fills[1].id;
      const e = await refusal(target, resign(file));
      expect(e.code).toBe('data-file-damaged');
      expect(e.message).toMatch(/row 2 of table "fills" has no "id"/);

      const again = JSON.parse(text);
      again.tables.positions[2].accountId = again.tables.positions[0].accountId;
      again.tables.positions[2].symbol = again.tables.positions[0].symbol;
      const r = await refusal(target, resign(again));
      expect(r.message).toMatch(/row 3 of table "positions" repeats the key/);
      expect(await tableBytes(target)).toEqual(before);
    });

    it('row counts that disagree with the header', async () => {
      const { text, target, before } = await setup();
      const file = JSON.parse(text);
      file.tables.alerts.pop();
      const e = await refusal(target, resign(file));
      expect(e.message).toMatch(/table "alerts" has 2 rows where the header says 3/);
      expect(await tableBytes(target)).toEqual(before);
    });
  });

  it('a cancelled export stops with data-cancelled', async () => {
    const db = freshDb();
    await seedEveryTable(db);
    const { api } = handlers(db);
    const running = api.exportDatabase('job', () => void api.cancel('job'));
    await expect(running).rejects.toMatchObject({ code: 'data-cancelled' });
  });

  it('a cancelled import rolls back to what the device had', async () => {
    const source = freshDb();
    await seedEveryTable(source, 'source');
    const target = freshDb();
    await seedEveryTable(target, 'target');
    const before = await tableBytes(target);
    const { api } = handlers(target);
    const preview = await api.previewDatabase(new Blob([await exportText(source)]), 'p');
    let writes = 0;
    const running = api.importDatabase(preview.previewId, 'job', (p) => {
      // Cancel after the first table was written, inside the transaction.
      if (p.done > 0 && writes++ === 0) void api.cancel('job');
    });
    await expect(running).rejects.toMatchObject({ code: 'data-cancelled' });
    expect(await tableBytes(target)).toEqual(before);
  });

  it('an import needs the preview it names', async () => {
    const db = freshDb();
    const { api } = handlers(db);
    await expect(api.importDatabase('nope', 'job')).rejects.toMatchObject({ code: 'data-no-preview' });
  });
});
