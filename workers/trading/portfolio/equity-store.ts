import { Dexie } from 'dexie';
import type { EquityBlockRow, LyraDb } from '../../store/db.js';
import type { Series } from './api.js';
import { defaultThinning, thinHistory, thinningCuts, type ThinningPolicy } from './equity-thinning.js';

/** Points per stored block: a year of minute snapshots is a few hundred rows, and a block stays small to rewrite. */
export const pointsPerBlock = 1000;

/** Thinning runs at most this often. */
export const thinEveryMs = 3_600_000;

/** When the history was last thinned (portfolioCache), so a reload does not thin again within the hour. */
export const thinnedKey = 'equity-thinned';

export interface EquityPoint {
  accountId: string;
  time: number;
  equity: number;
}

function grow(block: EquityBlockRow, time: number, equity: number): EquityBlockRow {
  const n = block.time.length;
  const times = new Float64Array(n + 1);
  const values = new Float64Array(n + 1);
  times.set(block.time);
  values.set(block.equity);
  times[n] = time;
  values[n] = equity;
  return { ...block, time: times, equity: values };
}

/**
 * Equity snapshots per account, as column chunks (one row per account and block of up to 1,000 points,
 * never a row per point). Times only move forward within an account: a point at the time of the last one
 * replaces its value, an earlier one is dropped.
 */
export class EquityStore {
  private thinnedAt = -Infinity;

  constructor(
    private readonly db: LyraDb,
    private readonly policy: ThinningPolicy = defaultThinning,
  ) {}

  /**
   * Thins the history (see thinHistory) unless that was done less than an hour ago, here or before a
   * reload. Returns how many points were dropped, or null when it did not run.
   */
  async thinIfDue(now: number): Promise<number | null> {
    if (now >= this.thinnedAt && now - this.thinnedAt < thinEveryMs) return null;
    this.thinnedAt = now;
    return this.thin(now, false);
  }

  /**
   * Thins every account's history in one transaction with the flows it is thinned around: reads every
   * block, rewrites only the blocks that hold thinned points of an account that changed.
   */
  async thin(now: number, force = true): Promise<number | null> {
    const db = this.db;
    return db.transaction('rw', [db.equityBlocks, db.cashFlows, db.portfolioCache], async () => {
      const mark = (await db.portfolioCache.get(thinnedKey))?.value as { at: number } | undefined;
      if (!force && mark && now >= mark.at && now - mark.at < thinEveryMs) return null;
      const { hourCut } = thinningCuts(now, this.policy);
      const [blocks, flows] = await Promise.all([db.equityBlocks.toArray(), db.cashFlows.toArray()]);
      const series = joinBlocks(blocks);
      const thinned = thinHistory(series, flows, now, this.policy);
      let dropped = 0;
      for (const [accountId, s] of thinned) {
        dropped += (series.get(accountId)?.times.length ?? 0) - s.times.length;
        const own = blocks.filter((b) => b.accountId === accountId);
        const old = own.filter((b) => b.start <= hourCut);
        const keepFrom = Math.min(...own.filter((b) => b.start > hourCut).map((b) => b.start));
        let end = 0;
        while (end < s.times.length && (s.times[end] as number) < keepFrom) end++;
        const rows: EquityBlockRow[] = [];
        for (let i = 0; i < end; i += pointsPerBlock) {
          const j = Math.min(end, i + pointsPerBlock);
          rows.push({
            accountId,
            start: s.times[i] as number,
            time: s.times.slice(i, j),
            equity: s.values.slice(i, j),
          });
        }
        await db.equityBlocks.bulkDelete(old.map((b) => [b.accountId, b.start] as [string, number]));
        await db.equityBlocks.bulkPut(rows);
      }
      await db.portfolioCache.put({ key: thinnedKey, value: { at: now } });
      return dropped;
    });
  }

  /** Appends every point in one transaction. */
  async append(points: readonly EquityPoint[]): Promise<void> {
    if (points.length === 0) return;
    const db = this.db;
    await db.transaction('rw', db.equityBlocks, async () => {
      const byAccount = new Map<string, EquityPoint[]>();
      for (const p of points) {
        if (!Number.isFinite(p.time) || !Number.isFinite(p.equity)) continue;
        const list = byAccount.get(p.accountId);
        if (list) list.push(p);
        else byAccount.set(p.accountId, [p]);
      }
      for (const [accountId, list] of byAccount) {
        let block = await this.lastBlock(accountId);
        const dirty = new Map<number, EquityBlockRow>();
        for (const p of [...list].sort((a, b) => a.time - b.time)) {
          const n = block?.time.length ?? 0;
          const last = block && n > 0 ? (block.time[n - 1] as number) : -Infinity;
          if (block && p.time === last) {
            const equity = block.equity.slice();
            equity[n - 1] = p.equity;
            block = { ...block, equity };
          } else if (p.time < last) continue;
          else if (block && n < pointsPerBlock) block = grow(block, p.time, p.equity);
          else
            block = {
              accountId,
              start: p.time,
              time: Float64Array.of(p.time),
              equity: Float64Array.of(p.equity),
            };
          dirty.set(block.start, block);
        }
        if (dirty.size) await db.equityBlocks.bulkPut([...dirty.values()]);
      }
    });
  }

  async lastPoint(accountId: string): Promise<{ time: number; equity: number } | null> {
    const block = await this.lastBlock(accountId);
    const n = block?.time.length ?? 0;
    return block && n > 0
      ? { time: block.time[n - 1] as number, equity: block.equity[n - 1] as number }
      : null;
  }

  /** Every account's series, oldest first. */
  async all(): Promise<Map<string, Series>> {
    const blocks = await this.db.equityBlocks.toArray();
    return joinBlocks(blocks);
  }

  /** Drops an account's history (an account removed for good). */
  async remove(accountId: string): Promise<void> {
    await this.db.equityBlocks.where('accountId').equals(accountId).delete();
  }

  private lastBlock(accountId: string): Promise<EquityBlockRow | undefined> {
    return this.db.equityBlocks
      .where('[accountId+start]')
      .between([accountId, Dexie.minKey], [accountId, Dexie.maxKey])
      .last();
  }
}

/** Blocks (in key order: account, then start) joined into one series per account. */
export function joinBlocks(blocks: readonly EquityBlockRow[]): Map<string, Series> {
  const grouped = new Map<string, EquityBlockRow[]>();
  for (const b of blocks) {
    const list = grouped.get(b.accountId);
    if (list) list.push(b);
    else grouped.set(b.accountId, [b]);
  }
  const out = new Map<string, Series>();
  for (const [accountId, list] of grouped) {
    list.sort((a, b) => a.start - b.start);
    const n = list.reduce((s, b) => s + b.time.length, 0);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let j = 0;
    for (const b of list) {
      times.set(b.time, j);
      values.set(b.equity, j);
      j += b.time.length;
    }
    out.set(accountId, { times, values });
  }
  return out;
}
