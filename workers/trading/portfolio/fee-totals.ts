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

/**
 * Fees of one asset summed as a scaled integer: plain decimal text ("0.00012345") is added without
 * building a Decimal per fill; anything else (an exponent) goes through Decimal.
 */
class FeeSum {
  units = 0n;
  scale = 0;
  /** Whether a fee that is not zero was added (a sum of rebates can come back to 0). */
  paid = false;

  add(text: string): void {
    const m = plain.exec(text);
    if (!m) {
      const d = Decimal.tryFrom(text);
      if (d && !d.isZero()) this.add(d.toString());
      return;
    }
    const frac = m[3] ?? '';
    let units = BigInt(m[2]! + frac);
    if (m[1] === '-') units = -units;
    if (units === 0n) return;
    this.paid = true;
    if (frac.length > this.scale) {
      this.units *= 10n ** BigInt(frac.length - this.scale);
      this.scale = frac.length;
    } else if (frac.length < this.scale) units *= 10n ** BigInt(this.scale - frac.length);
    this.units += units;
  }

  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const text = this.scale
      ? `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`
      : digits;
    return Decimal.from(`${negative ? '-' : ''}${text}`).toString();
  }
}

const plain = /^([-+]?)(\d{1,30})(?:\.(\d{1,30}))?$/;

function addFee(fees: Map<string, FeeSum>, fill: FillRecord): void {
  const fee = fill.fee;
  if (!fill.feeAsset || typeof fee !== 'string' || fee === '0' || fee === '') return;
  let sum = fees.get(fill.feeAsset);
  if (!sum) fees.set(fill.feeAsset, (sum = new FeeSum()));
  sum.add(fee);
}

function toMap(fees: Record<string, string>): Map<string, FeeSum> {
  return new Map(
    Object.entries(fees).map(([asset, v]) => {
      const sum = new FeeSum();
      sum.add(v);
      sum.paid = true;
      return [asset, sum];
    }),
  );
}

function fromMap(fees: Map<string, FeeSum>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [asset, sum] of fees) if (sum.paid) out[asset] = sum.toString();
  return out;
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
  // The first pass (no totals yet) reads every fill once, in key order, and counts from that.
  const all = cached ? null : await db.fills.toArray();
  const allBy = new Map<string, FillRecord[]>();
  for (const f of all ?? []) {
    const list = allBy.get(f.accountId);
    if (list) list.push(f);
    else allBy.set(f.accountId, [f]);
  }
  const newer = Number.isFinite(through)
    ? (await db.fills.where('time').aboveOrEqual(through).toArray()).filter((f) => !seen.has(f.id))
    : [];
  const newerBy = new Map<string, FillRecord[]>();
  for (const f of newer) {
    const list = newerBy.get(f.accountId);
    if (list) list.push(f);
    else newerBy.set(f.accountId, [f]);
  }
  const ids = new Set([
    ...Object.keys(resets),
    ...Object.keys(cached?.accounts ?? {}),
    ...newerBy.keys(),
    ...allBy.keys(),
  ]);
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
    const count = all ? (allBy.get(id)?.length ?? 0) : await db.fills.where('accountId').equals(id).count();
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
    const fills = all ? (allBy.get(id) ?? []) : await db.fills.where('accountId').equals(id).toArray();
    const fees = new Map<string, FeeSum>();
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
