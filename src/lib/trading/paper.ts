/** The paper-account form: starting balances as editable rows, and the simulated latency. */
import type { PaperAccount, PaperSettings } from '$workers/api';
import { Decimal } from '../../../workers/money/decimal';
import { isDecimalText, normalizeDecimal } from './decimal-text';

export interface BalanceRow {
  /** Stable key for the list (rows can be added and removed). */
  key: number;
  asset: string;
  amount: string;
}

export interface PaperForm {
  rows: BalanceRow[];
  latencyMs: string;
}

export const defaultPaperForm = (): PaperForm => ({
  rows: [
    { key: 1, asset: 'USDT', amount: '10000' },
    { key: 2, asset: 'BTC', amount: '0' },
  ],
  latencyMs: '50',
});

export function paperToForm(account: Pick<PaperAccount, 'starting' | 'latencyMs'>): PaperForm {
  const rows = Object.entries(account.starting).map(([asset, amount], i) => ({ key: i + 1, asset, amount }));
  return { rows: rows.length > 0 ? rows : defaultPaperForm().rows, latencyMs: String(account.latencyMs) };
}

export interface PaperFormErrors {
  rows: Record<number, { asset?: string; amount?: string }>;
  latencyMs?: string;
  form?: string;
}

/**
 * The settings to send, or the errors to show next to the rows: an asset is letters and digits and
 * appears once; an amount is decimal text, zero or more; the latency is whole milliseconds.
 */
export function formToPaper(
  form: PaperForm,
): { ok: true; settings: PaperSettings } | { ok: false; errors: PaperFormErrors } {
  const errors: PaperFormErrors = { rows: {} };
  const balances: Record<string, string> = {};
  const seen = new Set<string>();
  let bad = false;
  for (const row of form.rows) {
    const asset = row.asset.trim().toUpperCase();
    const amount = normalizeDecimal(row.amount);
    const e: { asset?: string; amount?: string } = {};
    if (!/^[A-Z0-9]{1,12}$/.test(asset)) e.asset = 'Enter an asset code, like USDT.';
    else if (seen.has(asset)) e.asset = `${asset} is listed twice.`;
    seen.add(asset);
    if (!isDecimalText(amount)) e.amount = 'Enter an amount of zero or more, like 10000.';
    if (e.asset || e.amount) {
      errors.rows[row.key] = e;
      bad = true;
    } else balances[asset] = amount;
  }
  const latency = form.latencyMs.trim();
  if (!/^\d+$/.test(latency) || Number(latency) > 10_000) {
    errors.latencyMs = 'Enter whole milliseconds from 0 to 10000, like 50.';
    bad = true;
  }
  if (form.rows.length === 0) {
    errors.form = 'Add at least one asset.';
    bad = true;
  }
  return bad ? { ok: false, errors } : { ok: true, settings: { balances, latencyMs: Number(latency) } };
}

/**
 * Whether saving these balances resets the account: the engine treats new starting balances as a
 * fresh start (a deposit would otherwise count as profit). Zero balances are not kept, so adding or
 * removing one is no change.
 */
export function changesBalances(next: Record<string, string>, starting: Record<string, string>): boolean {
  const norm = (b: Record<string, string>) =>
    Object.entries(b)
      .map(([k, v]) => [k, Decimal.tryFrom(v)] as const)
      .filter(([, d]) => d === null || !d.isZero())
      .map(([k, d]) => `${k}=${d?.toString() ?? '?'}`)
      .sort()
      .join(',');
  return norm(next) !== norm(starting);
}
