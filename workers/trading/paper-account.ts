import { Decimal } from '../money/decimal.js';
import type { PaperSettings } from './api.js';
import { fail } from './failures.js';
import { initialBreakerState, type BreakerState } from './risk/breakers.js';
import type { PaperAccount } from './types.js';
import { valuationAsset } from './valuation.js';

const defaultStarting: Record<string, string> = { USDT: '10000' };
export const defaultLatencyMs = 150;

/** The account a fresh device starts with. */
export function newPaperAccount(id: string, exchange: string, now: number): PaperAccount {
  return {
    id,
    exchange,
    name: `Paper (${exchange})`,
    balances: { ...defaultStarting },
    reserved: {},
    starting: { ...defaultStarting },
    latencyMs: defaultLatencyMs,
    createdAt: now,
    resetAt: now,
  };
}

/** The breakers start the day at the starting balance of the valuation currency. */
export function startingBreaker(starting: Record<string, string>, now: number): BreakerState {
  const state = initialBreakerState(Decimal.from(starting[valuationAsset] ?? '0'), now);
  // Other assets have no value until their marks arrive: leave the day open so the first known equity
  // becomes the day's starting point (breakers roll the day when it differs).
  const othersHeld = Object.entries(starting).some(
    ([a, v]) => a !== valuationAsset && !Decimal.from(v).isZero(),
  );
  return othersHeld ? { ...state, dayStart: 0 } : state;
}

/** The account as it starts again: its starting balances back, nothing held. */
export function resetPaperAccount(
  account: PaperAccount,
  starting: Record<string, string>,
  latencyMs: number,
  now: number,
): PaperAccount {
  return {
    ...account,
    balances: { ...starting },
    reserved: {},
    starting: { ...starting },
    latencyMs,
    resetAt: now,
  };
}

/**
 * What new paper settings ask for, checked: the starting balances, the latency, and whether the account
 * must be reset (it must whenever the balances change). Without settings, the account's own.
 */
export function readPaperSettings(
  account: PaperAccount,
  settings: PaperSettings | null,
  reset: boolean,
): { starting: Record<string, string>; latencyMs: number; reset: boolean } {
  if (!settings) return { starting: account.starting, latencyMs: account.latencyMs, reset };
  const balances: Record<string, string> = {};
  const problems: string[] = [];
  if (!settings.balances || typeof settings.balances !== 'object') problems.push('Enter starting balances.');
  for (const [asset, value] of Object.entries(settings.balances ?? {})) {
    const d = Decimal.tryFrom(value);
    if (!/^[A-Z0-9]{1,12}$/.test(asset))
      problems.push(`"${asset.slice(0, 16)}" is not an asset symbol (like USDT).`);
    else if (!d || d.isNegative() || d.gt('1e12'))
      problems.push(`${asset}: enter an amount from 0 to 1,000,000,000,000.`);
    else if (!d.isZero()) balances[asset] = d.toString();
  }
  const latency = Number(settings.latencyMs);
  if (!Number.isInteger(latency) || latency < 0 || latency > 10_000)
    problems.push('Latency must be a whole number of ms from 0 to 10,000.');
  if (problems.length) fail('invalid-settings', problems.join(' '));
  // Changing balances without a reset would be a deposit dressed as profit: it needs a reset.
  return {
    starting: balances,
    latencyMs: latency,
    reset: reset || JSON.stringify(balances) !== JSON.stringify(account.starting),
  };
}

export function describeBalances(balances: Record<string, string>): string {
  const parts = Object.entries(balances).map(([a, v]) => `${v} ${a}`);
  return parts.length ? parts.join(', ') : 'nothing';
}
