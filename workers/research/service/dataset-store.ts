import type { DatasetSummary } from '../api.js';
import type { Bars } from '../backtest/types.js';
import { EngineFailure, engineError } from '../../shared/errors.js';
import type { DatasetRow, LyraDb } from '../../store/db.js';

/**
 * The settings row that keeps every dataset's summary. IndexedDB reads whole rows, so listing the
 * datasets from their own rows would read every bar of every dataset (about 100 MB for 2 M bars); the
 * list reads this one row and the table's keys instead.
 */
export const summaryCacheKey = 'research.datasetSummaries';

const summaryFields = [
  'id',
  'name',
  'source',
  'exchange',
  'symbol',
  'timeframe',
  'bars',
  'first',
  'last',
  'closeOnly',
  'createdAt',
] as const satisfies ReadonlyArray<keyof DatasetSummary>;

export function summaryOf(row: DatasetSummary): DatasetSummary {
  const out: Record<string, unknown> = {};
  for (const field of summaryFields) if (row[field] !== undefined) out[field] = row[field];
  return out as unknown as DatasetSummary;
}

/** A dataset's summary fields from its bars: count, first and last time, close-only. */
export function describeBars(bars: Bars): Pick<DatasetSummary, 'bars' | 'first' | 'last' | 'closeOnly'> {
  const n = bars.time.length;
  return {
    bars: n,
    first: n > 0 ? (bars.time[0] as number) : Number.NaN,
    last: n > 0 ? (bars.time[n - 1] as number) : Number.NaN,
    closeOnly: bars.closeOnly,
  };
}

// A view into a larger buffer would be stored (and later read) with the whole buffer behind it.
function own(column: Float64Array): Float64Array {
  return column.byteOffset === 0 && column.byteLength === column.buffer.byteLength ? column : column.slice();
}

type SummaryMap = Record<string, DatasetSummary>;

/**
 * Research datasets in the Dexie `datasets` table: one row per dataset with its columns. Rows written
 * elsewhere (the trading worker stores downloaded history directly) are picked up by `list`, which adds
 * their summaries to the cache the first time it sees them.
 */
export class DatasetStore {
  constructor(private readonly db: LyraDb) {}

  /** Stores a dataset and its summary in one transaction: a failure writes neither. */
  async save(summary: DatasetSummary, bars: Bars): Promise<void> {
    const row: DatasetRow = {
      ...summaryOf(summary),
      time: own(bars.time),
      open: own(bars.open),
      high: own(bars.high),
      low: own(bars.low),
      close: own(bars.close),
      volume: own(bars.volume),
    };
    const { datasets, settings } = this.db;
    await this.db.transaction('rw', [datasets, settings], async () => {
      await datasets.put(row);
      const cache = await this.readCache();
      cache[row.id] = summaryOf(row);
      await settings.put({ key: summaryCacheKey, value: cache });
    });
  }

  /** Every dataset's summary, newest first, without reading any bars except of rows never listed before. */
  async list(): Promise<DatasetSummary[]> {
    const { datasets, settings } = this.db;
    return this.db.transaction('rw', [datasets, settings], async () => {
      const ids = (await datasets.orderBy('createdAt').reverse().primaryKeys()) as string[];
      const cache = await this.readCache();
      let changed = false;
      const out: DatasetSummary[] = [];
      for (const id of ids) {
        let summary = cache[id];
        if (!summary) {
          // One row at a time, so a first listing of several big downloads never holds them all.
          const row = await datasets.get(id);
          if (!row) continue;
          summary = cache[id] = summaryOf(row);
          changed = true;
        }
        out.push(summary);
      }
      const present = new Set(ids);
      for (const id of Object.keys(cache)) {
        if (!present.has(id)) {
          delete cache[id];
          changed = true;
        }
      }
      if (changed) await settings.put({ key: summaryCacheKey, value: cache });
      return out;
    });
  }

  /** One dataset's summary, without its bars when it has been listed before. */
  async summary(id: string): Promise<DatasetSummary> {
    const cached = (await this.readCache())[id];
    if (cached && (await this.db.datasets.where(':id').equals(id).count()) > 0) return cached;
    return summaryOf(await this.row(id));
  }

  async delete(id: string): Promise<void> {
    const { datasets, settings } = this.db;
    await this.db.transaction('rw', [datasets, settings], async () => {
      await datasets.delete(id);
      const cache = await this.readCache();
      if (cache[id]) {
        delete cache[id];
        await settings.put({ key: summaryCacheKey, value: cache });
      }
    });
  }

  /** The dataset's bars, as stored. */
  async bars(id: string): Promise<{ summary: DatasetSummary; bars: Bars }> {
    const row = await this.row(id);
    return {
      summary: summaryOf(row),
      bars: {
        time: row.time,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume: row.volume,
        closeOnly: row.closeOnly,
      },
    };
  }

  private async row(id: string): Promise<DatasetRow> {
    const row = typeof id === 'string' ? await this.db.datasets.get(id) : undefined;
    if (!row) {
      throw new EngineFailure(
        engineError(
          'not-found',
          `No dataset with id "${String(id)}": it may have been deleted. Pick a dataset from the list.`,
          false,
          { field: 'datasetId' },
        ),
      );
    }
    return row;
  }

  private async readCache(): Promise<SummaryMap> {
    const value = (await this.db.settings.get(summaryCacheKey))?.value;
    return value && typeof value === 'object' ? { ...(value as SummaryMap) } : {};
  }
}
