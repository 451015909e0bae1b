import type { FillRecord } from '../trading/types.js';
import { finite } from './evaluator-state.js';
import { fillMessage } from './messages.js';
import type { EvaluateOptions, RuleContext } from './rule-context.js';
import type { AlertFiring, OrderFilledAlert } from './types.js';

/** `fill` is new: duplicates are recognised by id before (AlertEvaluator.fill), once for all alerts. */
export function orderFilled(
  ctx: RuleContext,
  spec: OrderFilledAlert,
  fill: FillRecord,
  opts: EvaluateOptions,
  out: AlertFiring[],
) {
  if (spec.accountId !== null && spec.accountId !== fill.accountId) return;
  if (spec.symbol !== null && spec.symbol !== fill.symbol) return;
  const price = Number(fill.price);
  const st = ctx.stateFor(spec);
  const late = ctx.lateness(fill.time, undefined, opts, 0);
  ctx.emit(spec.id, st, fill.time, finite(price) ? price : null, fillMessage(fill), late, fill.symbol, out);
}
