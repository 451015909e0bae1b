import { version as appVersion } from '../../package.json';
import type { EngineParts } from '../engine-parts.js';
import { timeframes } from '../market/timeframes.js';
import type { JobProgress } from '../research/api.js';
import { asData } from '../shared/as-data.js';
import { backedUpTables } from '../sync/backup-tables.js';
import type { DataApi, DataOverview, DataProgressListener, DatabasePreview } from './api.js';
import { importCandles, previewCandles } from './candle-import.js';
import { checkDatabaseFile, type CheckedDatabase } from './database-check.js';
import { exportDatabase } from './database-export.js';
import { dataFailure } from './database-format.js';
import { compareWithDevice, replaceTables } from './database-import.js';
import { exportRecords } from './record-exports.js';
import { WriteLock } from './write-lock.js';

export interface DataDeps {
  parts: Pick<EngineParts, 'db' | 'market' | 'marketStore'>;
  now?: () => number;
  newId?: () => string;
}

/** The data domain's handlers, built once when the engine worker starts. */
export function createDataApi(parts: EngineParts): DataApi {
  return dataApi({ parts });
}

/** The handlers over plain parts, so tests build them with a real database and no worker. */
export function dataApi(deps: DataDeps): DataApi {
  const { db, market, marketStore } = deps.parts;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const jobs = new Map<string, AbortController>();
  // One checked file at a time: a new preview replaces the last (it may hold tens of MB of rows).
  let prepared: { previewId: string; checked: CheckedDatabase } | null = null;
  const lock = new WriteLock(db);

  async function job<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const id = String(jobId);
    if (jobs.has(id)) throw dataFailure('data-busy', 'That job is already running: wait for it or cancel it.', true);
    const controller = new AbortController();
    jobs.set(id, controller);
    try {
      return await work(controller.signal);
    } finally {
      jobs.delete(id);
    }
  }

  function reporter(listener: DataProgressListener | undefined): (p: JobProgress) => void {
    // A page that went away must not fail the job: progress is only information.
    return (p) => void Promise.resolve(listener?.(p)).catch(() => undefined);
  }

  function symbols(): string[] {
    return market
      .access()
      .markets()
      .map((m) => m.symbol)
      .sort();
  }

  return {
    overview: () =>
      asData(async (): Promise<DataOverview> => {
        const tables = backedUpTables.map((n) => db.table(n));
        const [accounts, ...counts] = await db.transaction('r', [db.accounts, ...tables], () =>
          Promise.all([db.accounts.toArray(), ...tables.map((t) => t.count())]),
        );
        return {
          accounts: accounts
            .map((a) => ({ id: a.id, name: a.name, exchange: a.exchange }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          counts: Object.fromEntries(backedUpTables.map((n, i) => [n, counts[i] as number])),
          exchange: market.access().exchangeId(),
          symbols: symbols(),
          timeframes: [...timeframes],
        };
      }),

    exportRecords: (request) => asData(() => exportRecords(db, request, now())),

    exportDatabase: (jobId, onProgress) =>
      asData(() =>
        job(jobId, (signal) =>
          exportDatabase(db, { now: now(), appVersion, signal, progress: reporter(onProgress) }),
        ),
      ),

    previewDatabase: (file, jobId, onProgress) =>
      asData(() =>
        job(jobId, async (signal): Promise<DatabasePreview> => {
          prepared = null;
          if (!(file instanceof Blob))
            throw dataFailure('data-bad-file', 'No file was given: choose a Lyra database file (.json).');
          const progress = reporter(onProgress);
          progress({ stage: 'Reading the file', done: 0, total: file.size });
          const text = await file.text();
          const checked = await checkDatabaseFile(text, db, { signal, progress });
          const previewId = newId();
          prepared = { previewId, checked };
          return {
            previewId,
            header: checked.header,
            tables: await compareWithDevice(db, checked.header.counts),
            hasVault: (checked.tables.get('vaultKeys')?.length ?? 0) > 0,
          };
        }),
      ),

    importDatabase: (previewId, jobId, onProgress) =>
      asData(() =>
        job(jobId, async (signal) => {
          if (prepared?.previewId !== String(previewId))
            throw dataFailure(
              'data-no-preview',
              'That file is no longer ready to import (a newer file was chosen, or the app restarted): choose the file again.',
            );
          const { tables } = prepared.checked;
          // From here to the reload this worker writes nothing but the import: anything else would land
          // the old state on top of the imported one. Candle writes are dropped quietly, not refused.
          lock.hold();
          marketStore.holdCandleWrites(true);
          try {
            const result = await db.transaction('rw', db.tables, async (tx) => {
              lock.allow(tx);
              // Running totals built from the old fills (not in the file): rebuilt from the imported ones.
              await db.portfolioCache.clear();
              return replaceTables(db, tables, { signal, progress: reporter(onProgress) });
            });
            lock.allow(null);
            prepared = null;
            return result;
          } catch (e) {
            lock.unhold();
            marketStore.holdCandleWrites(false);
            throw e;
          }
        }),
      ),

    discardDatabasePreview: (previewId) =>
      asData(() => {
        if (prepared?.previewId === String(previewId)) prepared = null;
      }),

    previewCandles: (input) => asData(() => previewCandles(input)),

    importCandles: (request) =>
      asData(() => {
        if (lock.held)
          throw dataFailure(
            'data-replaced',
            "This device's data is being replaced by an imported file: wait for Lyra to reload, then import the candles.",
            true,
          );
        return importCandles(
          { db, store: marketStore, exchange: market.access().exchangeId(), symbols: symbols() },
          request,
        );
      }),

    cancel: (jobId) =>
      asData(() => {
        jobs.get(String(jobId))?.abort();
      }),
  };
}
