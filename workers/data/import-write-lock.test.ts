import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { LyraDb } from '../store/db.js';
import { closeAll, freshDb, handlers, seedEveryTable } from './test-data.js';

afterEach(closeAll);

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1);

function hourlyCsv(n: number): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) lines.push(`${new Date(T0 + i * HOUR).toISOString()},${100 + i},${103 + i},${99 + i},${101 + i},1`);
  return lines.join('\n') + '\n';
}

async function exportText(db: LyraDb): Promise<string> {
  return (await handlers(db).api.exportDatabase('export')).blob.text();
}

/** A device with its own rows, a file from another device, and this device's handlers with the file previewed. */
async function prepared() {
  const source = freshDb();
  await seedEveryTable(source, 'source');
  const target = freshDb();
  await seedEveryTable(target, 'target');
  const text = await exportText(source);
  const h = handlers(target);
  const preview = await h.api.previewDatabase(new Blob([text]), 'preview');
  return { target, ...h, previewId: preview.previewId };
}

describe('the running worker after a database import', () => {
  it('refuses every other write of this worker once the import succeeded, and clears the portfolio cache', async () => {
    const { target, api, previewId } = await prepared();
    await target.portfolioCache.put({ key: 'fees', value: { total: '12.5' } });
    await api.importDatabase(previewId, 'import');
    expect(await target.portfolioCache.count()).toBe(0);
    await expect(target.settings.put({ key: 'late', value: 'old state' })).rejects.toThrow(/being replaced/);
    const orders = await target.orders.count();
    await expect(target.orders.clear()).rejects.toThrow(/being replaced/);
    expect(await target.orders.count()).toBe(orders);
    expect(await target.settings.get('late')).toBeUndefined();
  });

  it('drops a write queued behind the import’s transaction instead of landing it on the imported rows', async () => {
    const { target, api, previewId } = await prepared();
    const queued: Array<Promise<unknown>> = [];
    await api.importDatabase(previewId, 'import', () => {
      // The trading tick saving its state while the import writes: its own transaction, outside the import's.
      if (queued.length === 0)
        queued.push(Dexie.ignoreTransaction(() => target.settings.put({ key: 'tick', value: 'old state' })).catch((e) => e));
    });
    expect(queued).toHaveLength(1);
    expect(await queued[0]).toBeInstanceOf(Error);
    expect(await target.settings.get('tick')).toBeUndefined();
  });

  it('writes again when the import was cancelled: the device and its worker carry on', async () => {
    const { target, api, previewId } = await prepared();
    let cancelled = false;
    const running = api.importDatabase(previewId, 'import', (p) => {
      if (p.done > 0 && !cancelled) {
        cancelled = true;
        void api.cancel('import');
      }
    });
    await expect(running).rejects.toMatchObject({ code: 'data-cancelled' });
    await target.settings.put({ key: 'after', value: 1 });
    expect(await target.settings.get('after')).toEqual({ key: 'after', value: 1 });
    await expect(api.importCandles({ text: hourlyCsv(3), symbol: 'BTC/USDT', timeframe: '1h' })).resolves.toMatchObject({
      added: 3,
    });
  });

  it('refuses a candle import after a database import instead of reporting candles it did not write', async () => {
    const { api, previewId } = await prepared();
    await api.importDatabase(previewId, 'import');
    await expect(api.importCandles({ text: hourlyCsv(3), symbol: 'BTC/USDT', timeframe: '1h' })).rejects.toMatchObject({
      code: 'data-replaced',
    });
  });

  it('refuses a candle import while the store holds candle writes (a restore), writing and counting nothing', async () => {
    const db = freshDb();
    const { api, store } = handlers(db);
    store.holdCandleWrites(true);
    await expect(api.importCandles({ text: hourlyCsv(3), symbol: 'BTC/USDT', timeframe: '1h' })).rejects.toMatchObject({
      code: 'data-candles-held',
    });
    expect(await db.candleBlocks.count()).toBe(0);
    store.holdCandleWrites(false);
    await expect(api.importCandles({ text: hourlyCsv(3), symbol: 'BTC/USDT', timeframe: '1h' })).resolves.toMatchObject({
      added: 3,
      changed: 0,
    });
  });
});
