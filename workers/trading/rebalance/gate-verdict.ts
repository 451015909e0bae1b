import type { OrderPreview } from '../api.js';
import type { RiskRule } from '../risk/risk-gate.js';

/**
 * Reads a risk-gate preview for the batch. A buy previewed before the sells have filled fails the
 * `balance` rule for want of the proceeds it will be paid with; while sells are still to come, that one
 * refusal is `awaiting-funds` rather than a failure, and the buy is judged again after the sells.
 */

export type Verdict =
  { kind: 'pass' } | { kind: 'awaiting-funds'; message: string } | { kind: 'fail'; message: string };

/** The rule the sells' proceeds can satisfy: free quote for the buys. */
export const fundedBySells: RiskRule = 'balance';

export function verdictOf(preview: OrderPreview, sellsPending: boolean): Verdict {
  if (preview?.ok === true) return { kind: 'pass' };
  const failing = Array.isArray(preview?.checks) ? preview.checks.filter((c) => c && !c.passed) : [];
  const fieldMessages = Object.values(preview?.fieldErrors ?? {}).filter(
    (m): m is string => typeof m === 'string' && m !== '',
  );
  const say = (checks: typeof failing) =>
    [...fieldMessages, ...checks.map((c) => c.message)].join(' ') ||
    'The risk gate refused this order without giving a reason.';
  if (!sellsPending) return { kind: 'fail', message: say(failing) };
  // The funds the sells will bring are no reason to refuse; only what else failed is.
  const others = failing.filter((c) => c.rule !== fundedBySells);
  if (fieldMessages.length === 0 && failing.length > 0 && others.length === 0)
    return { kind: 'awaiting-funds', message: say(failing) };
  return { kind: 'fail', message: say(others) };
}

/** The message of an EngineError (data, not an Error), an Error, or anything else thrown. */
export function messageOf(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string' && e.message !== '')
    return e.message;
  if (typeof e === 'string' && e !== '') return e;
  return 'The order could not be sent (no reason was given).';
}
