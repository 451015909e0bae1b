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

const LIVE_PREFIX = 'live:';

/**
 * The accounts of the trading engine that trade for real. An account row marks it live; a live account's
 * id keeps its prefix, so its fills stay real even when its row was removed.
 */
export async function liveAccountIds(db: LyraDb): Promise<Set<string>> {
  const ids = new Set((await db.accounts.toArray()).filter((a) => a.live !== undefined).map((a) => a.id));
  for (const id of (await db.fills.orderBy('accountId').uniqueKeys()) as string[])
    if (id.startsWith(LIVE_PREFIX)) ids.add(id);
  return ids;
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
 * Every fill there is to report on: the trading engine's own (live accounts, and paper ones when asked
 * for) and the imported ones, read page by page with progress, stopping between pages when the job is
 * cancelled.
 */
export async function readAllFills(
  db: LyraDb,
  job: Job,
  options: { includePaper: boolean },
): Promise<StoredFills> {
  const live = await liveAccountIds(db);
  const total = (await db.fills.count()) + (await db.importedFills.count());
  let read = 0;
  const fills: FillRecord[] = [];
  const origins = new Map<string, FillOrigin>();
  job.progress('Reading fills', 0, total);
  await readPaged(db.fills, job, (rows) => {
    for (const f of rows) {
      if (!options.includePaper && !live.has(f.accountId)) continue;
      fills.push(f);
      origins.set(f.id, { kind: 'engine', importId: null });
    }
    read += rows.length;
    job.progress('Reading fills', read, total);
  });
  await readPaged(db.importedFills, job, (rows) => {
    for (const row of rows) {
      const { importId, ...fill } = row;
      fills.push(fill);
      origins.set(fill.id, { kind: 'import', importId });
    }
    read += rows.length;
    job.progress('Reading fills', read, total);
  });
  return { fills, origins };
}
