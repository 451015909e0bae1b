import type { Table } from 'dexie';
import type { LyraDb } from '../store/db.js';
import type { FillRecord } from '../trading/types.js';
import type { Job } from './jobs.js';

/** Rows read per step: small enough to stop soon when cancelled, big enough to stay fast. */
const PAGE = 5_000;

/** Where a fill came from, to name it in the report and in errors. */
export interface FillOrigin {
  kind: 'engine' | 'import';
  /** The import's file for imported fills. */
  importId: string | null;
}

export interface StoredFills {
  fills: FillRecord[];
  origins: Map<string, FillOrigin>;
}

async function readPaged<T extends FillRecord>(
  table: Table<T, string>,
  job: Job,
  onPage: (rows: T[]) => void,
): Promise<void> {
  let after: string | null = null;
  for (;;) {
    job.check();
    const page: T[] =
      after === null
        ? await table.orderBy(':id').limit(PAGE).toArray()
        : await table.where(':id').above(after).limit(PAGE).toArray();
    if (page.length === 0) return;
    onPage(page);
    after = page[page.length - 1]!.id;
    if (page.length < PAGE) return;
  }
}

/**
 * Every fill there is to report on: the trading engine's own (paper and live accounts) and the imported
 * ones, read page by page with progress, stopping between pages when the job is cancelled.
 */
export async function readAllFills(db: LyraDb, job: Job): Promise<StoredFills> {
  const total = (await db.fills.count()) + (await db.importedFills.count());
  const fills: FillRecord[] = [];
  const origins = new Map<string, FillOrigin>();
  job.progress('Reading fills', 0, total);
  await readPaged(db.fills, job, (rows) => {
    for (const f of rows) {
      fills.push(f);
      origins.set(f.id, { kind: 'engine', importId: null });
    }
    job.progress('Reading fills', fills.length, total);
  });
  await readPaged(db.importedFills, job, (rows) => {
    for (const row of rows) {
      const { importId, ...fill } = row;
      fills.push(fill);
      origins.set(fill.id, { kind: 'import', importId });
    }
    job.progress('Reading fills', fills.length, total);
  });
  return { fills, origins };
}
