import { Decimal } from '../../money/decimal.js';
import { EngineFailure, engineError } from '../../shared/errors.js';
import type { CashFlow } from './api.js';

/** A flow the user asked to record, checked field by field. */
export interface FlowDraft {
  accountId: string;
  asset: string;
  amount: Decimal;
  time: number;
  note: string;
}

const assetPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const maxNote = 200;
/** A flow dated before this is a typo (Lyra did not exist); it would also distort every period. */
const earliest = Date.UTC(2009, 0, 1);

function invalid(field: string, message: string): never {
  throw new EngineFailure(engineError('invalid-input', message, false, { field }));
}

/**
 * Reads a deposit or withdrawal from the UI. Every refusal names its field and says how to fix it; the
 * account must exist and not be a paper account, the amount must be a nonzero decimal (negative for a
 * withdrawal), and the time must not lie in the future. A paper account's balances never change from a
 * recorded flow, so one would read as a gain or loss of the same size; Lyra records its starting
 * balances and resets itself.
 */
export function readFlow(
  input: unknown,
  knownAccounts: ReadonlySet<string>,
  now: number,
  paperAccounts: ReadonlySet<string> = new Set(),
): FlowDraft {
  if (input === null || typeof input !== 'object')
    invalid('accountId', 'Choose an account, then enter an asset and an amount.');
  const x = input as Record<string, unknown>;
  const accountId = typeof x.accountId === 'string' ? x.accountId : '';
  if (!accountId) invalid('accountId', 'Choose the account the money moved in or out of.');
  if (!knownAccounts.has(accountId))
    invalid('accountId', 'That account is not on this device: choose one from the list.');
  if (paperAccounts.has(accountId))
    invalid(
      'accountId',
      'A paper account’s balances change through Settings → Paper (reset or starting balances), which Lyra records itself: choose a live account.',
    );
  const asset = typeof x.asset === 'string' ? x.asset.trim().toUpperCase() : '';
  if (!asset) invalid('asset', 'Enter the asset that moved, like USDT or BTC.');
  if (!assetPattern.test(asset))
    invalid('asset', `"${asset.slice(0, 32)}" is not an asset code: use letters and digits, like USDT.`);
  const amount = Decimal.tryFrom(typeof x.amount === 'number' ? String(x.amount) : x.amount);
  if (!amount)
    invalid('amount', 'Enter the amount as a number: positive for a deposit, negative for a withdrawal.');
  if (amount.isZero())
    invalid('amount', 'A flow of zero changes nothing: enter a positive deposit or a negative withdrawal.');
  if (amount.abs().gt('1e15'))
    invalid('amount', 'That amount is too large: enter at most 1,000,000,000,000,000.');
  let time = now;
  if (x.time !== undefined && x.time !== null && x.time !== '') {
    const t = typeof x.time === 'number' ? x.time : Date.parse(String(x.time));
    if (!Number.isFinite(t)) invalid('time', 'Enter the date and time the money moved.');
    if (t > now) invalid('time', 'That time is in the future: enter when the money actually moved.');
    if (t < earliest) invalid('time', 'That date is too early: enter when the money actually moved.');
    time = Math.floor(t);
  }
  const note = typeof x.note === 'string' ? x.note.trim() : '';
  if (note.length > maxNote) invalid('note', `Keep the note under ${maxNote} characters.`);
  return { accountId, asset, amount, time, note };
}

export function flowRow(draft: FlowDraft, id: string, value: number, origin: CashFlow['origin']): CashFlow {
  return {
    id,
    accountId: draft.accountId,
    time: draft.time,
    asset: draft.asset,
    amount: draft.amount.toString(),
    value,
    note: draft.note,
    origin,
  };
}

/**
 * The flows a paper reset amounts to: the old holdings withdrawn and the new starting balances deposited,
 * one flow per asset, so a reset is neither a loss nor a gain.
 */
export function resetFlows(
  accountId: string,
  before: Record<string, string>,
  after: Record<string, string>,
): Array<{ accountId: string; asset: string; amount: Decimal; kind: 'out' | 'in' }> {
  const out: Array<{ accountId: string; asset: string; amount: Decimal; kind: 'out' | 'in' }> = [];
  for (const [asset, amount] of Object.entries(before)) {
    const d = Decimal.tryFrom(amount);
    if (d && !d.isZero()) out.push({ accountId, asset, amount: d.neg(), kind: 'out' });
  }
  for (const [asset, amount] of Object.entries(after)) {
    const d = Decimal.tryFrom(amount);
    if (d && !d.isZero()) out.push({ accountId, asset, amount: d, kind: 'in' });
  }
  return out;
}
