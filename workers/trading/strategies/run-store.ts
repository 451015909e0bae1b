import type { LyraDb } from '../../store/db.js';
import type { StoredRun } from './run-record.js';

/**
 * The `strategyRuns` table. A run row carries the runner's bookkeeping beside what the page shows; the
 * table's declared row type is the view, so the casts live here and nowhere else.
 */
export class RunStore {
  constructor(private readonly db: LyraDb) {}

  async all(): Promise<StoredRun[]> {
    const rows = (await this.db.strategyRuns.toArray()) as StoredRun[];
    return rows.sort((a, b) => a.startedAt - b.startedAt);
  }

  async get(id: string): Promise<StoredRun | undefined> {
    return (await this.db.strategyRuns.get(id)) as StoredRun | undefined;
  }

  async put(run: StoredRun): Promise<void> {
    await this.db.strategyRuns.put(run);
  }
}
