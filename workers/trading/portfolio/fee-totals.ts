import { Decimal } from '../../money/decimal.js';
import type { LyraDb } from '../../store/db.js';
import type { FillRecord } from '../types.js';

/** Fees paid per account and fee asset, decimal text. */
export type FeeTotals = Record<string, Record<string, string>>;

interface AccountFees {
  /** How many of the account's fills were counted: any other count means its fills changed under us. */
  count: number;
  /** The account's last reset when counted: a reset deletes its fills. */
  resetAt: number | null;
  fees: Record<string, string>;
}

interface FeeCache {
  /** Newest fill time counted. */
  through: number;
  /** Fills at exactly `through` already counted (the next pass starts at that time again). */
  atThrough: string[];
  accounts: Record<string, AccountFees>;
}

export const feeCacheKey = 'fee-totals';

function addFee(fees: Map<string, Decimal>, fill: FillRecord): void {
  const fee = Decimal.tryFrom(fill.fee);
  if (!fee || fee.isZero() || !fill.feeAsset) return;
  fees.set(fill.feeAsset, (fees.get(fill.feeAsset) ?? Decimal.ZERO).add(fee));
}

function toMap(fees: Record<string, string>): Map<string, Decimal> {
  return new Map(Object.entries(fees).map(([asset, v]) => [asset, Decimal.from(v)]));
}

function fromMap(fees: Map<string, Decimal>): Record<string, string> {
  return Object.fromEntries([...fees].map(([asset, v]) => [asset, v.toString()]));
}

/**
 * Fees paid, kept as running totals so the portfolio opens without reading every fill: each pass reads
 * only the fills newer than the last (by the `time` index), and checks each account's count of fills
 * and reset time. An account whose fills changed otherwise (a reset, a restored backup, a fill booked
 * late with an older time) is counted again from its own fills alone.
 */
export async function feeTotals(db: LyraDb, resets: Readonly<Record<string, number>>): Promise<FeeTotals> {
  const cached = (await db.portfolioCache.get(feeCacheKey))?.value as FeeCache | undefined;
  const through = cached?.through ?? -Infinity;
  const seen = new Set(cached?.atThrough ?? []);
  const newer = Number.isFinite(through)
    ? (await db.fills.where('time').aboveOrEqual(through).toArray()).filter((f) => !seen.has(f.id))
    : [];
  const newerBy = new Map<string, FillRecord[]>();
  for (const f of newer) {
    const list = newerBy.get(f.accountId);
    if (list) list.push(f);
    else newerBy.set(f.accountId, [f]);
  }
  const ids = new Set([...Object.keys(resets), ...Object.keys(cached?.accounts ?? {}), ...newerBy.keys()]);
  const accounts: Record<string, AccountFees> = {};
  let changed = !cached || newer.length > 0;
  let newest = through;
  let atNewest = [...seen];
  const saw = (f: FillRecord) => {
    if (f.time > newest) {
      newest = f.time;
      atNewest = [f.id];
    } else if (f.time === newest) atNewest.push(f.id);
  };
  for (const f of newer) saw(f);
  for (const id of ids) {
    const count = await db.fills.where('accountId').equals(id).count();
    const had = cached?.accounts[id];
    const fresh = newerBy.get(id) ?? [];
    const resetAt = resets[id] ?? null;
    if (had && had.resetAt === resetAt && had.count + fresh.length === count) {
      if (fresh.length === 0) accounts[id] = had;
      else {
        const fees = toMap(had.fees);
        for (const f of fresh) addFee(fees, f);
        accounts[id] = { count, resetAt, fees: fromMap(fees) };
      }
      continue;
    }
    changed = true;
    if (count === 0 && resetAt === null) continue;
    const fills = await db.fills.where('accountId').equals(id).toArray();
    const fees = new Map<string, Decimal>();
    for (const f of fills) {
      addFee(fees, f);
      saw(f);
    }
    accounts[id] = { count: fills.length, resetAt, fees: fromMap(fees) };
  }
  if (changed) {
    const value: FeeCache = {
      through: Number.isFinite(newest) ? newest : 0,
      atThrough: atNewest,
      accounts,
    };
    await db.portfolioCache.put({ key: feeCacheKey, value });
  }
  return Object.fromEntries(Object.entries(accounts).map(([id, a]) => [id, a.fees]));
}
