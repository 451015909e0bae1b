import type { LyraDb } from '../../store/db.js';
import type { FillRecord } from '../types.js';
import type { TwinRecord } from './twin-record.js';

/** Where twins are kept. Every write is one transaction: a twin is never half-updated. */
export interface TwinStore {
  get(orderId: string): Promise<TwinRecord | undefined>;
  /** Several twins changed by one market event, written together. */
  save(twins: readonly TwinRecord[]): Promise<void>;
  running(): Promise<TwinRecord[]>;
  /** An account's twins, newest first. */
  recent(accountId: string, limit: number): Promise<TwinRecord[]>;
  /** Every stored fill of these live orders; null when this store cannot read fills. */
  fillsOf(orderIds: readonly string[]): Promise<FillRecord[] | null>;
}

/** The `twins` table: twins survive a reload and resume from here. */
export class DexieTwinStore implements TwinStore {
  constructor(private readonly db: LyraDb) {}

  get(orderId: string) {
    return this.db.twins.get(orderId);
  }

  async save(twins: readonly TwinRecord[]) {
    if (!twins.length) return;
    await this.db.transaction('rw', this.db.twins, () => this.db.twins.bulkPut([...twins]));
  }

  async running() {
    // Few twins run at once and `status` is not indexed: a filter over the table is enough.
    return this.db.twins.filter((t) => t.status === 'running').toArray();
  }

  async recent(accountId: string, limit: number) {
    const rows = await this.db.twins.where('accountId').equals(accountId).toArray();
    return rows.sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
  }

  async fillsOf(orderIds: readonly string[]) {
    // The page's list keeps only recent fills; an older twin's order needs all of its own.
    return orderIds.length
      ? this.db.fills
          .where('orderId')
          .anyOf([...orderIds])
          .toArray()
      : [];
  }
}

/** Twins for an engine without a database of its own (tests, a service built without one). */
export class MemoryTwinStore implements TwinStore {
  private readonly rows = new Map<string, TwinRecord>();

  async get(orderId: string) {
    return this.rows.get(orderId);
  }

  async save(twins: readonly TwinRecord[]) {
    for (const t of twins) this.rows.set(t.orderId, t);
  }

  async running() {
    return [...this.rows.values()].filter((t) => t.status === 'running');
  }

  async recent(accountId: string, limit: number) {
    return [...this.rows.values()]
      .filter((t) => t.accountId === accountId)
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, limit);
  }

  async fillsOf() {
    return null;
  }
}
